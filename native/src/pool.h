// A small process-wide thread pool sized to the cores. Kernels split their rows into independent tasks
// and merge per-task results in task order, so results never depend on thread timing.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>

namespace eidos {

class Pool {
 public:
  static Pool& Get();
  // Participants in a Run, counting the calling thread.
  unsigned Threads() const { return threads_; }
  // Calls task(t) for every t in [0, tasks) on the pool and the calling thread; returns when all are done.
  // One Run at a time (callers from the JS thread and async workers queue up); never call from a task.
  void Run(size_t tasks, const std::function<void(size_t)>& task);
  // How many tasks to split `rows` rows into: enough to balance the threads, none smaller than minRows.
  size_t TasksFor(size_t rows, size_t minRows) const;

 private:
  explicit Pool(unsigned threads);
  void Work();
  void Drain(const std::function<void(size_t)>& task, size_t tasks);

  unsigned threads_;
  std::mutex submit_;  // serialises Runs
  std::mutex m_;       // guards everything below
  std::condition_variable wake_, idle_;
  const std::function<void(size_t)>* task_ = nullptr;
  size_t tasks_ = 0;
  size_t next_ = 0;
  uint64_t generation_ = 0;
  unsigned active_ = 0;  // workers inside Drain
};

// Row range [begin, end) of task t when n rows are split into `tasks` near-equal parts.
inline size_t TaskBegin(size_t n, size_t tasks, size_t t) { return n * t / tasks; }

}  // namespace eidos
