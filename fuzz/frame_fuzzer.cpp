// fuzz/frame_fuzzer.cpp - libFuzzer target over the frames local servers
// exchange (runtime/marshal/frame.cpp), which come from other processes and
// are untrusted. The input is read as a stream of frames, as a connection's
// I/O thread reads it; decoding stops at the first frame that does not
// parse (the connection would be dropped there). Checked for every frame
// that parses: its fields re-encode with frame_writer to exactly the bytes
// read, so the decoder accepts nothing it could not have been sent, and a
// body lies within its payload. Replayed by CTest.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "marshal/peer.h"

using namespace comkit::rt;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

std::vector<std::byte> encode(const frame& f) {
  frame_writer w(f.header.type, f.header.call);
  switch (f.header.type) {
    case frame_type::hello:
      w.u32(f.version).u32(f.pid).bytes(f.nonce, 8);
      break;
    case frame_type::request:
      w.u64(f.oid).u32(f.serial).u32(f.method).u64(f.causality).u32(f.thread).bytes(f.body.data(), f.body.size());
      break;
    case frame_type::reply:
      w.u32(static_cast<std::uint32_t>(f.value)).bytes(f.body.data(), f.body.size());
      break;
    case frame_type::remqi:
      w.u64(f.oid).u32(f.serial).guid(f.guid);
      break;
    case frame_type::release:
      w.u32(static_cast<std::uint32_t>(f.releases.size()));
      for (const auto& r : f.releases) w.u64(r.oid).u32(r.anchor).u32(r.count);
      break;
    case frame_type::exportt:
      w.u64(f.oid).u32(f.serial).guid(f.guid).u32(f.flags);
      break;
    case frame_type::claim:
      w.u64(f.oid).u32(f.serial).u32(f.public_refs).u32(f.flags);
      break;
    case frame_type::activate:
      w.guid(f.guid).guid(f.guid2).u32(f.mode);
      break;
    case frame_type::factory:
      w.u64(f.oid).u32(f.serial).guid(f.guid).u32(static_cast<std::uint32_t>(f.value));
      break;
  }
  const std::span<const std::byte> bytes = w.done();
  return {bytes.begin(), bytes.end()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
  while (in.size() >= frame_header_size) {
    frame_header h;
    if (!frame_parse_header(in.first(frame_header_size), &h)) break;
    require(h.length <= max_frame_payload);
    if (in.size() - frame_header_size < h.length) break;  // the connection would wait for the rest
    const auto whole = in.first(frame_header_size + h.length);
    frame f;
    if (!frame_parse(h, whole.subspan(frame_header_size), &f)) break;
    if (!f.body.empty())
      require(f.body.data() >= whole.data() + frame_header_size && f.body.data() + f.body.size() == whole.data() + whole.size());
    const std::vector<std::byte> again = encode(f);
    require(again.size() == whole.size() && std::memcmp(again.data(), whole.data(), whole.size()) == 0);
    in = in.subspan(whole.size());
  }
  return 0;
}
