// comkit/result.h - comkit::result<T>: a value or a failed HRESULT, the
// surface of the projection in builds without exceptions (and usable in any
// build). Header-only; part of comkit::comkit.
//
// A result must be looked at: it is [[nodiscard]], and in debug builds
// (without NDEBUG) destroying one whose state was never checked asserts.
#ifndef COMKIT_RESULT_H
#define COMKIT_RESULT_H

#include <comkit/abi/hresult.h>

#include <cassert>
#include <new>
#include <type_traits>
#include <utility>

namespace comkit {

template <typename T>
class [[nodiscard]] result {
 public:
  /// A success holding `value`.
  result(T value) noexcept(std::is_nothrow_move_constructible_v<T>) : m_code(S_OK), m_has_value(true) {
    new (&m_value) T(std::move(value));
  }
  /// A failure; `code` must be a failure code.
  static result failure(HRESULT code) noexcept {
    assert(code < 0 && "result::failure needs a failing HRESULT");
    return result(failure_tag{}, code);
  }

  result(result&& o) noexcept(std::is_nothrow_move_constructible_v<T>)
      : m_code(o.m_code), m_has_value(o.m_has_value), m_checked(o.m_checked) {
    if (m_has_value) new (&m_value) T(std::move(o.m_value));
    o.m_checked = true;
  }
  result& operator=(result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &o) {
      this->~result();
      new (this) result(std::move(o));
    }
    return *this;
  }
  result(const result&) = delete;
  result& operator=(const result&) = delete;

  ~result() {
    assert(m_checked && "comkit::result dropped without checking ok()");
    if (m_has_value) m_value.~T();
  }

  /// True when the result holds a value. Counts as checking it.
  bool ok() const noexcept {
    m_checked = true;
    return m_has_value;
  }
  explicit operator bool() const noexcept { return ok(); }
  /// The HRESULT: S_OK for a value, else the failure code. Counts as checking.
  HRESULT code() const noexcept {
    m_checked = true;
    return m_code;
  }
  /// The value; only valid when ok().
  T& value() & noexcept {
    assert(m_has_value && "comkit::result::value() on a failure");
    m_checked = true;
    return m_value;
  }
  const T& value() const& noexcept {
    assert(m_has_value && "comkit::result::value() on a failure");
    m_checked = true;
    return m_value;
  }
  T&& value() && noexcept {
    assert(m_has_value && "comkit::result::value() on a failure");
    m_checked = true;
    return std::move(m_value);
  }
  T* operator->() noexcept { return &value(); }
  T& operator*() & noexcept { return value(); }
  /// The value, or `fallback` on failure.
  T value_or(T fallback) && noexcept(std::is_nothrow_move_constructible_v<T>) {
    m_checked = true;
    return m_has_value ? std::move(m_value) : std::move(fallback);
  }

 private:
  struct failure_tag {};
  result(failure_tag, HRESULT code) noexcept : m_code(code), m_has_value(false) {}

  union {
    char m_empty = 0;  // a failure: keeps GCC from seeing an uninitialized union
    T m_value;
  };
  HRESULT m_code;
  bool m_has_value;
  mutable bool m_checked = false;
};

/// result<void>: just the HRESULT, with the same checking rule.
template <>
class [[nodiscard]] result<void> {
 public:
  result(HRESULT code = S_OK) noexcept : m_code(code) {}
  result(result&& o) noexcept : m_code(o.m_code), m_checked(o.m_checked) { o.m_checked = true; }
  result& operator=(result&& o) noexcept {
    assert(m_checked && "comkit::result dropped without checking ok()");
    m_code = o.m_code;
    m_checked = o.m_checked;
    o.m_checked = true;
    return *this;
  }
  ~result() { assert(m_checked && "comkit::result dropped without checking ok()"); }
  bool ok() const noexcept {
    m_checked = true;
    return m_code >= 0;
  }
  explicit operator bool() const noexcept { return ok(); }
  HRESULT code() const noexcept {
    m_checked = true;
    return m_code;
  }

 private:
  HRESULT m_code;
  mutable bool m_checked = false;
};

}  // namespace comkit

#endif  // COMKIT_RESULT_H
