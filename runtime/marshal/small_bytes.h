// runtime/marshal/small_bytes.h - a growable byte buffer whose first N bytes
// live inline, so that the messages of ordinary calls (a few dozen bytes)
// are built without touching the heap. Never installed.
#ifndef COMKIT_RUNTIME_MARSHAL_SMALL_BYTES_H
#define COMKIT_RUNTIME_MARSHAL_SMALL_BYTES_H

#include <cstddef>
#include <cstring>
#include <new>
#include <span>

namespace comkit::rt {

template <std::size_t N>
class small_bytes {
 public:
  small_bytes() noexcept = default;
  small_bytes(const small_bytes&) = delete;
  small_bytes& operator=(const small_bytes&) = delete;
  ~small_bytes() {
    if (data_ != inline_) ::operator delete(data_);
  }

  std::byte* data() noexcept { return data_; }
  const std::byte* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  std::span<std::byte> span() noexcept { return {data_, size_}; }

  /// Appends n bytes (std::bad_alloc when the heap refuses).
  void append(const void* p, std::size_t n) {
    if (n > cap_ - size_) grow(size_ + n);
    if (n) std::memcpy(data_ + size_, p, n);
    size_ += n;
  }
  void push_back(std::byte b) { append(&b, 1); }

 private:
  void grow(std::size_t need) {
    std::size_t cap = cap_ * 2;
    if (cap < need) cap = need;
    auto* bigger = static_cast<std::byte*>(::operator new(cap));
    std::memcpy(bigger, data_, size_);
    if (data_ != inline_) ::operator delete(data_);
    data_ = bigger;
    cap_ = cap;
  }

  std::byte inline_[N];
  std::byte* data_ = inline_;
  std::size_t size_ = 0, cap_ = N;
};

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_MARSHAL_SMALL_BYTES_H
