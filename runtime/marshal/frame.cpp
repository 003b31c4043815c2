// runtime/marshal/frame.cpp - the frames peers exchange (peer.h): built by
// frame_writer, decoded from untrusted bytes by frame_parse_header and
// frame_parse. Depends on nothing else in libcomkit, so the fuzzer
// (fuzz/frame_fuzzer.cpp) builds it on its own.
#include <cstring>

#include "marshal/peer.h"

namespace comkit::rt {

// ---- Frames ---------------------------------------------------------------------------------

frame_writer::frame_writer(frame_type type, std::uint32_t call) {
  u32(frame_magic);
  u8(static_cast<std::uint8_t>(type));
  u8(0);
  u8(0);
  u8(0);
  u32(0);  // length, filled by done()
  u32(call);
}
frame_writer& frame_writer::u8(std::uint8_t v) {
  b_.push_back(std::byte{v});
  return *this;
}
frame_writer& frame_writer::u32(std::uint32_t v) { return bytes(&v, 4); }
frame_writer& frame_writer::u64(std::uint64_t v) { return bytes(&v, 8); }
frame_writer& frame_writer::guid(const GUID& g) { return bytes(&g, 16); }
frame_writer& frame_writer::bytes(const void* p, std::size_t n) {
  b_.append(p, n);
  return *this;
}
std::span<std::byte> frame_writer::done() noexcept {
  const auto length = static_cast<std::uint32_t>(b_.size() - frame_header_size);
  std::memcpy(b_.data() + 8, &length, 4);
  return b_.span();
}

namespace {

// Reads little-endian fields from untrusted bytes; any read past the end
// sets `bad` and yields zeros.
struct reader {
  std::span<const std::byte> in;
  bool bad = false;
  void take(void* to, std::size_t n) noexcept {
    if (bad || in.size() < n) {
      bad = true;
      std::memset(to, 0, n);
      return;
    }
    std::memcpy(to, in.data(), n);
    in = in.subspan(n);
  }
  std::uint32_t u32() noexcept {
    std::uint32_t v;
    take(&v, 4);
    return v;
  }
  std::uint64_t u64() noexcept {
    std::uint64_t v;
    take(&v, 8);
    return v;
  }
  GUID guid() noexcept {
    GUID g;
    take(&g, 16);
    return g;
  }
};

}  // namespace

bool frame_parse_header(std::span<const std::byte> bytes, frame_header* out) noexcept {
  if (bytes.size() < frame_header_size) return false;
  std::uint32_t magic, length, call;
  std::memcpy(&magic, bytes.data(), 4);
  std::memcpy(&length, bytes.data() + 8, 4);
  std::memcpy(&call, bytes.data() + 12, 4);
  const auto type = static_cast<std::uint8_t>(bytes[4]);
  if (magic != frame_magic || type < 1 || type > 9 || length > max_frame_payload) return false;
  if (bytes[5] != std::byte{0} || bytes[6] != std::byte{0} || bytes[7] != std::byte{0}) return false;
  out->type = static_cast<frame_type>(type);
  out->length = length;
  out->call = call;
  return true;
}

bool frame_parse(const frame_header& h, std::span<const std::byte> payload, frame* out) noexcept {
  if (payload.size() != h.length) return false;
  out->header = h;
  reader r{payload};
  bool has_body = false;
  switch (h.type) {
    case frame_type::hello:
      out->version = r.u32();
      out->pid = r.u32();
      r.take(out->nonce, 8);
      break;
    case frame_type::request:
      out->oid = r.u64();
      out->serial = r.u32();
      out->method = r.u32();
      out->causality = r.u64();
      out->thread = r.u32();
      has_body = true;
      break;
    case frame_type::reply:
      out->value = static_cast<std::int32_t>(r.u32());
      has_body = true;
      break;
    case frame_type::remqi:
      out->oid = r.u64();
      out->serial = r.u32();
      out->guid = r.guid();
      break;
    case frame_type::release: {
      const std::uint32_t n = r.u32();
      if (r.bad || r.in.size() != std::size_t{n} * 16) return false;
      try {
        out->releases.resize(n);
      } catch (...) {
        return false;
      }
      for (auto& item : out->releases) {
        item.oid = r.u64();
        item.anchor = r.u32();
        item.count = r.u32();
      }
      break;
    }
    case frame_type::exportt:
      out->oid = r.u64();
      out->serial = r.u32();
      out->guid = r.guid();
      out->flags = r.u32();
      break;
    case frame_type::claim:
      out->oid = r.u64();
      out->serial = r.u32();
      out->public_refs = r.u32();
      out->flags = r.u32();
      break;
    case frame_type::activate:
      out->guid = r.guid();
      out->guid2 = r.guid();
      out->mode = r.u32();
      if (out->mode > 1) return false;
      break;
    case frame_type::factory:
      out->oid = r.u64();
      out->serial = r.u32();
      out->guid = r.guid();
      out->value = static_cast<std::int32_t>(r.u32());
      if (out->value < -1 || out->value > 1) return false;
      break;
  }
  if (r.bad) return false;
  if (has_body) {
    out->body = r.in;
    return true;
  }
  return r.in.empty();  // no trailing bytes
}

}  // namespace comkit::rt
