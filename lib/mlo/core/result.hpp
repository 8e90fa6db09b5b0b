// Result<T>: a value or an Error. Every fallible library call returns one; nothing in lib/
// throws across its boundary or calls exit(). ErrorCode values ARE the process exit codes
// (DESIGN.md section 4), so the CLI maps an error to an exit status with a cast.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace mlo {

enum class ErrorCode : int {
  kRuntime = 1,       // I/O, network, store unreachable
  kUsage = 2,         // bad flag, bad argument
  kInvalidInput = 3,  // unparsable data, schema mismatch, bad manifest/policy
  kNotFound = 4,      // model, version, alias, key
  kConflict = 5,      // lost a race, alias moved, lock timeout
  kIntegrity = 6,     // digest mismatch, broken audit chain
  kFinding = 8,       // drift detected, performance below tolerance
  kRefused = 9,       // gate said no
};

struct Error {
  ErrorCode code = ErrorCode::kRuntime;
  std::string message;  // one line: "<what failed>: <why>"

  int exit_code() const { return static_cast<int>(code); }
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

// Propagate an error from an expression returning Result<...>.
#define MLO_TRY(expr)                                          \
  do {                                                         \
    auto&& mlo_try_result_ = (expr);                           \
    if (!mlo_try_result_.ok()) return mlo_try_result_.error(); \
  } while (0)

// Bind the value of a Result<T> to `lhs`, or return its error.
#define MLO_CONCAT_INNER_(a, b) a##b
#define MLO_CONCAT_(a, b) MLO_CONCAT_INNER_(a, b)
#define MLO_ASSIGN_OR_RETURN(lhs, expr) \
  MLO_ASSIGN_OR_RETURN_IMPL_(MLO_CONCAT_(mlo_r_, __LINE__), lhs, expr)
#define MLO_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.error();               \
  lhs = std::move(tmp).value()

}  // namespace mlo
