// runtime/marshal/peer.h - calls between processes: the rendezvous
// directory, one Unix-domain connection per pair of processes (a `peer`),
// and the frames it carries. Never installed. The wire format is written
// down in docs/local-servers.md; `frame_parse` is the one decoder of
// untrusted bytes (fuzz/frame_fuzzer.cpp).
//
// A peer is `open` until a thread reading it meets EOF, an error or a frame
// that does not parse (or its reading thread cannot be started); then it is
// `dead`: every call still waiting for a reply fails (RPC_E_SERVER_DIED),
// every reference the other process held here is given back, and sending
// fails with HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE) without sending. A
// call is in the pending table from just before its request is written until
// its reply arrives or the peer dies: whichever comes first takes it out
// (under the lock), so its completion runs exactly once.
//
// Reading: one thread at a time reads a connection (it holds the "reading
// turn"), and it may be a thread waiting for a reply, so that a call costs
// what a socket ping-pong costs: the caller writes its request and reads its
// own reply, and the other process's reader runs the call itself. The turn
// (`reader`, under the peer's lock; `epoch` counts its changes):
//
//   none --(a waiting MTA caller takes it)--> caller
//   none --(the watchdog: still none a tick later; or an STA caller, who
//           cannot read, sends a call)--> io_wanted
//   io_wanted --(an I/O thread takes it)--> io
//   caller --(its reply read; another MTA caller waits)--> caller (that one, woken)
//   caller --(its reply read; other calls wait)--> io_wanted
//   caller --(its reply read; nothing waits)--> none
//   io --(the last pending reply delivered to an MTA caller)--> none
//   io --(runs an MTA call itself: busy, `run_word`) ... io --(it returns)--> io
//   io, busy --(the watchdog: the same busy call a tick later)--> io_wanted
//             (another I/O thread reads; the busy one goes idle when done)
//   io, busy --(the call it runs makes a call on the same connection)--> caller
//   any --(EOF, error, bad frame)--> dead
//
// Only the holder of the turn touches the read buffer, and it never writes
// to the socket (a caller takes the turn after its request is written;
// refusals are written by a pool thread), except an I/O thread running a
// call, whose turn the watchdog can take: so two processes writing to each
// other with full buffers always have a reader.
//
// The watchdog is one thread per process that ticks only while some peer
// has no reader, a busy reader, or releases to send: a state it finds
// unchanged a tick later is acted on (the turn goes to an I/O thread,
// releases are sent). Its tick is 1 ms after it acted, doubling to 8 ms
// while every state it finds has already moved on (busy connections: each
// tick costs their calls a context switch). So a frame waits at most two
// ticks for a reader, and a blocked call never stops a connection.
#ifndef COMKIT_RUNTIME_MARSHAL_PEER_H
#define COMKIT_RUNTIME_MARSHAL_PEER_H

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <comkit/abi/marshal.h>

#include "marshal/objref.h"
#include "marshal/small_bytes.h"

namespace comkit::rt {

// ---- Frames ---------------------------------------------------------------------------------

inline constexpr std::uint32_t frame_magic = 0x314B5043;  // "CPK1" little-endian
inline constexpr std::size_t frame_header_size = 16;
/// A frame's payload longer than this drops the connection.
inline constexpr std::uint32_t max_frame_payload = 64u << 20;
inline constexpr std::uint32_t wire_version = 1;

enum class frame_type : std::uint8_t {
  hello = 1,     // u32 version, u32 pid, u8 nonce[8]
  request = 2,   // u64 oid, u32 ipid serial, u32 method, u64 causality, u32 thread, body
  reply = 3,     // i32 hresult, body
  remqi = 4,     // u64 oid, u32 anchor, IID
  release = 5,   // u32 n, n x {u64 oid, u32 anchor, u32 count}   (one way)
  exportt = 6,   // u64 oid, u32 anchor, IID, u32 mshlflags
  claim = 7,     // u64 oid, u32 serial, u32 public refs, u32 sorf flags  (one way)
  activate = 8,  // CLSID, IID, u32 mode (0 an instance, 1 the class object)
  factory = 9,   // u64 oid, u32 anchor, IID, i32 lock (-1: CreateInstance, 0/1: LockServer)
};

struct frame_header {
  frame_type type{};
  std::uint32_t length = 0;  // payload bytes
  std::uint32_t call = 0;    // the call a request/reply belongs to, 0 one way
};

struct release_item {
  std::uint64_t oid = 0;
  DWORD anchor = 0;
  DWORD count = 0;
};

/// A frame's payload, decoded (what the type uses; `body` points into the
/// payload).
struct frame {
  frame_header header;
  std::uint32_t version = 0, pid = 0;
  unsigned char nonce[8]{};
  std::uint64_t oid = 0, causality = 0;
  DWORD serial = 0, method = 0, thread = 0, flags = 0, public_refs = 0, mode = 0;
  std::int32_t value = 0;  // reply: the HRESULT; factory: lock
  GUID guid{}, guid2{};
  std::vector<release_item> releases;
  std::span<const std::byte> body;
};

/// The header's 16 bytes: false for a bad magic, an unknown type or too
/// long a payload.
bool frame_parse_header(std::span<const std::byte> bytes, frame_header* out) noexcept;
/// The payload of a frame whose header parsed: false when it is too short,
/// too long for its type, or its counts do not fit.
bool frame_parse(const frame_header& h, std::span<const std::byte> payload, frame* out) noexcept;

/// Builds one frame: the header, then fields appended by the caller.
class frame_writer {
 public:
  frame_writer(frame_type type, std::uint32_t call);
  frame_writer& u8(std::uint8_t v);
  frame_writer& u32(std::uint32_t v);
  frame_writer& u64(std::uint64_t v);
  frame_writer& guid(const GUID& g);
  frame_writer& bytes(const void* p, std::size_t n);
  /// The finished frame (the length field filled in), valid while the
  /// writer lives.
  std::span<std::byte> done() noexcept;

 private:
  small_bytes<256> b_;
};

// ---- Peers ---------------------------------------------------------------------------------

class peer;
struct queued_work;

/// Waits for one reply (a call's client half). Exactly one of on_reply or
/// on_lost is called, by the thread reading the connection (`by_waiter`:
/// the waiting thread itself) or by one that found it dead.
struct reply_sink {
  virtual void on_reply(HRESULT hr, std::span<const std::byte> body, bool by_waiter) noexcept = 0;
  virtual void on_lost(HRESULT hr) noexcept = 0;
  /// The reading turn was handed to this sink's waiting thread: it should
  /// call peer_read_for (called under the peer's lock: must only wake).
  virtual void on_turn() noexcept = 0;

  /// Set by the caller before peer_send_call: its thread can read (an MTA
  /// thread that waits in peer_read_for).
  bool reads = false;
  // The peer's, under its lock.
  std::uint32_t call_id = 0;
  bool waiting_turn = false;

 protected:
  ~reply_sink() = default;
};

/// The directory where processes of this user meet: $XDG_RUNTIME_DIR/comkit
/// (or $TMPDIR/comkit-UID), made 0700 and checked to be the user's own.
/// Empty when it cannot be made safe.
const std::string& rendezvous_dir() noexcept;
/// Starts listening (once per process): S_OK, or why not.
HRESULT peer_listen() noexcept;
/// This process's 8-byte nonce (the IPIDs' Data4).
const unsigned char* process_nonce() noexcept;

/// The connection to process `pid` whose nonce is `nonce`, made if needed
/// (with a reference). HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE) when the
/// process cannot be reached or is another one reusing the pid.
HRESULT peer_connect(std::uint32_t pid, const unsigned char* nonce, peer** out) noexcept;
void peer_addref(peer* p) noexcept;
void peer_release(peer* p) noexcept;
bool peer_alive(const peer* p) noexcept;

/// Sends a request frame (built with call id 0; the id is set here) and
/// registers sink for its reply. On failure sink is not called.
HRESULT peer_send_call(peer* p, std::span<std::byte> frame, reply_sink* sink) noexcept;
/// For a sink that `reads`: while the connection has no reader (or the turn
/// was handed to this sink), reads it until the sink's reply came; true
/// then. False when another thread reads: wait until the sink completes or
/// on_turn, and call again.
bool peer_read_for(peer* p, reply_sink* sink) noexcept;
/// Sends a one-way frame, or a reply.
HRESULT peer_send(peer* p, std::span<const std::byte> frame) noexcept;
/// A proxy's release: batched with others and sent soon (never waits).
void peer_queue_release(peer* p, std::uint64_t oid, DWORD anchor) noexcept;
/// A reply about to go to p carries these normal marshals: p claims each
/// when it unmarshals it; what p has not claimed when it dies is given back
/// (rpc_unclaimed). False when p is dead already (nothing was recorded).
bool peer_expect_claims(peer* p, std::span<const std_objref> marshals) noexcept;

// ---- What the peer layer asks of the call layer (rpc.cpp) -------------------------------

/// An incoming request (request, remqi, exportt, activate, factory), from
/// the thread reading p: must not block; replies later with peer_send. With
/// `may_run_here` (the reader is an I/O thread with nothing else buffered),
/// a call for the MTA is returned to run on the reading thread instead of
/// being posted to the pool (the frame's bytes are not used by it).
queued_work* rpc_incoming(peer* p, const frame& f, bool may_run_here) noexcept;
/// The other process unmarshalled an OBJREF of ours (claim): its marshal
/// becomes one proxy hold of that process's. True when a hold was taken
/// (the peer counts it, so that the other process can give back only what
/// it holds, and its death gives back the rest).
bool rpc_claim(peer* p, const frame& f) noexcept;
/// One hold on (oid, anchor) given back (a release, or the peer's death).
void rpc_released(std::uint64_t oid, DWORD anchor) noexcept;
/// A marshal sent to a process that ended before claiming it.
void rpc_unclaimed(const std_objref& s) noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_MARSHAL_PEER_H
