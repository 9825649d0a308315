#include "pool.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace eidos {

Pool& Pool::Get() {
  // Leaked on purpose: detached workers must never outlive the object they wait on at process exit.
  static Pool* pool = [] {
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    if (const char* wanted = std::getenv("EIDOS_THREADS")) {
      const long value = std::strtol(wanted, nullptr, 10);
      if (value >= 1 && value <= 256) threads = static_cast<unsigned>(value);
    }
    return new Pool(threads);
  }();
  return *pool;
}

Pool::Pool(unsigned threads) : threads_(threads) {
  for (unsigned i = 1; i < threads; ++i) std::thread([this] { Work(); }).detach();
}

size_t Pool::TasksFor(size_t rows, size_t minRows) const {
  const size_t byWork = std::max<size_t>(1, rows / std::max<size_t>(1, minRows));
  return std::min<size_t>(byWork, static_cast<size_t>(threads_) * 4);
}

void Pool::Drain(const std::function<void(size_t)>& task, size_t tasks) {
  for (;;) {
    size_t t;
    {
      std::lock_guard<std::mutex> lock(m_);
      t = next_++;
    }
    if (t >= tasks) return;
    task(t);
  }
}

void Pool::Work() {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void(size_t)>* task;
    size_t tasks;
    {
      std::unique_lock<std::mutex> lock(m_);
      wake_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      task = task_;
      tasks = tasks_;
      ++active_;
    }
    Drain(*task, tasks);
    {
      std::lock_guard<std::mutex> lock(m_);
      --active_;
    }
    idle_.notify_all();
  }
}

void Pool::Run(size_t tasks, const std::function<void(size_t)>& task) {
  if (tasks == 0) return;
  if (threads_ == 1 || tasks == 1) {
    for (size_t t = 0; t < tasks; ++t) task(t);
    return;
  }
  std::lock_guard<std::mutex> one(submit_);
  {
    // A worker that woke late for the previous Run may still be draining it: wait until none is, so
    // resetting next_ cannot hand it a task of this Run through the previous Run's pointer.
    std::unique_lock<std::mutex> lock(m_);
    idle_.wait(lock, [&] { return active_ == 0; });
    task_ = &task;
    tasks_ = tasks;
    next_ = 0;
    ++generation_;
  }
  wake_.notify_all();
  Drain(task, tasks);
  std::unique_lock<std::mutex> lock(m_);
  idle_.wait(lock, [&] { return active_ == 0; });
}

}  // namespace eidos
