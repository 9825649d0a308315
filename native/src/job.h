// Every binding follows one shape (as in sharp): a Job struct whose Parse() validates the JS arguments
// and keeps views of their memory (zero-copy) on the JS thread, whose Run() computes without touching
// JS, and whose Result() converts back. RunSync runs it inline; RunAsync on a libuv worker, returning
// a Promise, so a large call does not block the event loop. A job whose Run() can fail (the GPU's) has a
// `std::string error`: set, it rejects the Promise with that message.
#pragma once
#include <napi.h>

#include <string>

namespace eidos {

template <class Job>
auto FailureOf(const Job& job, int) -> decltype(job.error, std::string()) {
  return job.error;
}
template <class Job>
std::string FailureOf(const Job&, long) {
  return {};
}

template <class Job>
Napi::Value RunSync(const Napi::CallbackInfo& info) {
  Job job;
  if (!job.Parse(info)) return info.Env().Undefined();  // a JS exception is pending
  job.Run();
  return job.Result(info.Env());
}

template <class Job>
class AsyncJob : public Napi::AsyncWorker {
 public:
  explicit AsyncJob(Napi::Env env) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)) {}
  Job job;
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    job.Run();
    const std::string failure = FailureOf(job, 0);
    if (!failure.empty()) SetError(failure);
  }
  void OnOK() override { deferred_.Resolve(job.Result(Env())); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
};

template <class Job>
Napi::Value RunAsync(const Napi::CallbackInfo& info) {
  auto* worker = new AsyncJob<Job>(info.Env());
  if (!worker->job.Parse(info)) {
    delete worker;
    // A failed check leaves a JS exception pending; without one the job declined the call (the Metal
    // jobs, for memory or shapes they do not take): null tells the caller to use the C++ kernels.
    return info.Env().IsExceptionPending() ? info.Env().Undefined() : info.Env().Null();
  }
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace eidos
