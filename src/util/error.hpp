// slipway's error vocabulary. Every failure a user can see is one of these; the CLI maps the
// type to a documented exit code, so scripts decide by code, never by message text.
#pragma once
#include <stdexcept>
#include <string>

namespace slipway {

enum class ExitCode : int {
  ok = 0,
  failed = 1,        // the operation failed (database error, verification failed, ...)
  usage = 2,         // bad input or usage: nothing was changed
  lock_gave_up = 3,  // gave up waiting for a lock after the configured retries
  busy = 4,          // another slipway holds the database
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, std::string hint = {})
      : std::runtime_error(what), hint_(std::move(hint)) {}
  virtual ExitCode exit_code() const { return ExitCode::failed; }
  // What the user can do about it; empty when there is nothing useful to say.
  const std::string& hint() const { return hint_; }

 private:
  std::string hint_;
};

// Bad input: a file, a field, a flag or a catalog precondition. Raised before any change.
class InputError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::usage; }
};

// A lock could not be taken within the lock-timeout/retry budget.
class LockGaveUp : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::lock_gave_up; }
};

// Another slipway process holds the database's advisory lock.
class AnotherSlipwayRunning : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::busy; }
};

}  // namespace slipway
