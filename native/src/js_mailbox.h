// Work finished on a thread this addon does not own (Metal's completion handlers, the GPU's start-up
// thread) comes back to the JS thread through one Node-API thread-safe function per environment, so no
// libuv pool thread sits waiting for it. A delivery is a closure run on the JS thread with the
// environment, and the only owner of what it captures (JS references must be released on the JS
// thread); `Expect` and `Settled` (both on the JS thread) keep the event loop alive while any delivery
// is owed, so a pending GPU promise holds the process open like any pending I/O.
//
// Teardown (a worker thread ending, process exit): the thread-safe function's finalizer marks the box
// closed, then waits until every `Busy` span has ended — a GPU job may still be reading memory the
// environment owns, and that memory must outlive the read. A delivery that can no longer run is leaked
// on purpose, never destroyed: its JS references belong to an environment that is going away, and
// releasing them from another thread or after teardown would be the bug.
#pragma once
#include <node_api.h>

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>

namespace eidos {

class JsMailbox {
 public:
  using Delivery = std::function<void(napi_env)>;

  // JS thread: the box of `env`; nullptr when Node-API could not make the thread-safe function.
  static std::shared_ptr<JsMailbox> Create(napi_env env) {
    std::shared_ptr<JsMailbox> box(new JsMailbox());
    auto* context = new std::shared_ptr<JsMailbox>(box);  // owned by the thread-safe function
    napi_value name;
    if (napi_create_string_utf8(env, "eidos:js-mailbox", NAPI_AUTO_LENGTH, &name) != napi_ok ||
        napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, Finalize, context, Deliver,
                                        &box->tsfn_) != napi_ok) {
      delete context;
      return nullptr;
    }
    napi_unref_threadsafe_function(env, box->tsfn_);  // idle: does not hold the process open
    return box;
  }

  // JS thread: one more delivery is owed (keeps the loop alive until its Settled).
  void Expect(napi_env env) {
    if (owed_++ == 0) napi_ref_threadsafe_function(env, tsfn_);
  }
  // JS thread, inside a delivery: the delivery Expect announced has run.
  void Settled(napi_env env) {
    if (owed_ > 0 && --owed_ == 0) napi_unref_threadsafe_function(env, tsfn_);
  }

  // Any thread: a span during which work that reads the environment's memory is in flight.
  void BeginBusy() {
    std::lock_guard<std::mutex> lock(m_);
    ++busy_;
  }
  // Any thread: ends a span and queues `delivery` for the JS thread (dropped once closed). Ending the
  // span and posting happen under one lock, so the finalizer never frees the function mid-call.
  void EndBusyAndPost(Delivery delivery) {
    auto* item = new Delivery(std::move(delivery));
    std::lock_guard<std::mutex> lock(m_);
    if (!closed_) napi_call_threadsafe_function(tsfn_, item, napi_tsfn_nonblocking);  // failing: leaked
    --busy_;
    idle_.notify_all();
  }

 private:
  JsMailbox() = default;

  static void Deliver(napi_env env, napi_value, void*, void* data) {
    if (env == nullptr) return;  // being torn down: the delivery is leaked (see the top of this file)
    std::unique_ptr<Delivery> delivery(static_cast<Delivery*>(data));
    (*delivery)(env);
  }

  static void Finalize(napi_env, void*, void* hint) {
    std::unique_ptr<std::shared_ptr<JsMailbox>> context(static_cast<std::shared_ptr<JsMailbox>*>(hint));
    JsMailbox& box = **context;
    std::unique_lock<std::mutex> lock(box.m_);
    box.closed_ = true;
    box.idle_.wait(lock, [&] { return box.busy_ == 0; });
  }

  napi_threadsafe_function tsfn_ = nullptr;
  size_t owed_ = 0;  // JS thread only
  std::mutex m_;     // guards closed_ and busy_
  std::condition_variable idle_;
  bool closed_ = false;
  size_t busy_ = 0;
};

}  // namespace eidos
