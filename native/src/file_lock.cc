// An exclusive advisory lock on a file, held by the operating system for as long as this process keeps the
// file open, and released by the kernel when the process ends however it ends (SIGKILL included, before
// any parent reaps it). app/store/lock.ts uses it for the index's one-writer rule.
//
//   fileLockTry(path) -> id >= 0 when this call now holds the lock, -1 when another holder has it
//   fileLockRelease(id) -> true when `id` was held (and is now released), false when it was not
//
// POSIX: flock(2). Its lock belongs to the open file description, so a second open() of the same file in
// this same process is a second holder and is refused (fcntl(F_SETLK) locks belong to the process and
// would let it through). The descriptor is close-on-exec, so a child process never inherits the lock.
// Windows: LockFileEx on one byte (at 4 GiB) through a non-inheritable handle; a second handle on the same
// file, in this process or another, fails with ERROR_LOCK_VIOLATION.
#include <napi.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#ifdef _WIN32
#include <windows.h>
#else
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace eidos {

namespace {

#ifdef _WIN32
using OsHandle = HANDLE;
#else
using OsHandle = int;
#endif

// Locks this process holds, by the id JS was given: JS never sees a descriptor number it could close twice.
std::mutex held_mutex;
std::unordered_map<int32_t, OsHandle> held;
int32_t next_id = 0;

int32_t Remember(OsHandle handle) {
  std::lock_guard<std::mutex> guard(held_mutex);
  const int32_t id = next_id++;
  held.emplace(id, handle);
  return id;
}

void ThrowSystemError(Napi::Env env, const std::string& what, const std::string& reason, int64_t code,
                      const char* code_kind) {
  Napi::Error error = Napi::Error::New(env, what + ": " + reason);
  error.Set(code_kind, Napi::Number::New(env, static_cast<double>(code)));
  error.ThrowAsJavaScriptException();
}

#ifdef _WIN32

std::wstring Widen(const std::string& utf8) {
  const int n = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring wide(static_cast<size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), wide.data(), n);
  return wide;
}

std::string WindowsMessage(DWORD code) {
  char* text = nullptr;
  const DWORD n = FormatMessageA(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, code,
      0, reinterpret_cast<LPSTR>(&text), 0, nullptr);
  std::string message = n > 0 && text != nullptr ? std::string(text, n) : "error " + std::to_string(code);
  if (text != nullptr) LocalFree(text);
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r' || message.back() == '.'))
    message.pop_back();
  return message;
}

Napi::Value TryLock(Napi::Env env, const std::string& path) {
  // Sharing read, write and delete: the lock is the byte-range lock below, not the share mode, so a
  // waiting second writer gets a clean "locked" answer instead of a sharing violation.
  HANDLE handle = CreateFileW(Widen(path).c_str(), GENERIC_READ | GENERIC_WRITE,
                              FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_ALWAYS,
                              FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    const DWORD code = GetLastError();
    ThrowSystemError(env, "cannot open the lock file " + path, WindowsMessage(code), code, "winError");
    return env.Undefined();
  }
  // One byte at 4 GiB, past any content: Windows forbids reading or writing a locked range even through
  // the holder's own other handles, and the lock file may hold a note (the holder's pid) for others to read.
  OVERLAPPED at = {};
  at.OffsetHigh = 1;
  if (!LockFileEx(handle, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &at)) {
    const DWORD code = GetLastError();
    CloseHandle(handle);
    if (code == ERROR_LOCK_VIOLATION) return Napi::Number::New(env, -1);
    ThrowSystemError(env, "cannot lock " + path, WindowsMessage(code), code, "winError");
    return env.Undefined();
  }
  return Napi::Number::New(env, Remember(handle));
}

void Close(HANDLE handle) { CloseHandle(handle); }  // closing the handle releases its locks

#else

Napi::Value TryLock(Napi::Env env, const std::string& path) {
  // 0600: only this user can open it, so nobody else can take (and hold) the lock. O_NOFOLLOW: a link
  // planted in its place is refused rather than followed.
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    const int code = errno;
    ThrowSystemError(env, "cannot open the lock file " + path, std::strerror(code), code, "errno");
    return env.Undefined();
  }
  struct stat info;
  if (fstat(fd, &info) == 0 && info.st_uid == geteuid() && (info.st_mode & 0077) != 0) fchmod(fd, 0600);
  int status;
  do status = flock(fd, LOCK_EX | LOCK_NB);
  while (status != 0 && errno == EINTR);
  if (status != 0) {
    const int code = errno;
    close(fd);
    if (code == EWOULDBLOCK) return Napi::Number::New(env, -1);
    ThrowSystemError(env, "cannot lock " + path, std::strerror(code), code, "errno");
    return env.Undefined();
  }
  return Napi::Number::New(env, Remember(fd));
}

void Close(int fd) { close(fd); }  // closing the only descriptor of the open file description releases the lock

#endif

Napi::Value FileLockTry(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) {
    Napi::TypeError::New(info.Env(), "fileLockTry(path) needs a path").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  return TryLock(info.Env(), info[0].As<Napi::String>().Utf8Value());
}

Napi::Value FileLockRelease(const Napi::CallbackInfo& info) {
  if (!info[0].IsNumber()) {
    Napi::TypeError::New(info.Env(), "fileLockRelease(id) needs a lock id").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  const int32_t id = info[0].As<Napi::Number>().Int32Value();
  OsHandle handle;
  {
    std::lock_guard<std::mutex> guard(held_mutex);
    const auto found = held.find(id);
    if (found == held.end()) return Napi::Boolean::New(info.Env(), false);
    handle = found->second;
    held.erase(found);
  }
  Close(handle);
  return Napi::Boolean::New(info.Env(), true);
}

}  // namespace

void RegisterFileLock(Napi::Env env, Napi::Object exports) {
  exports.Set("fileLockTry", Napi::Function::New(env, FileLockTry, "fileLockTry"));
  exports.Set("fileLockRelease", Napi::Function::New(env, FileLockRelease, "fileLockRelease"));
}

}  // namespace eidos
