// runtime/marshal/peer.cpp - the transport between processes (peer.h):
// the rendezvous directory, the listening socket, connections and their I/O
// threads, frames, pending calls and batched releases.
//
// Each process listens on RENDEZVOUS/PID (a Unix stream socket, mode 0600 in
// a 0700 directory) from the first time something of it may be reached from
// another process (a marshal for another context, a class object registered
// for CLSCTX_LOCAL_SERVER). Either process of a pair may dial; a connection
// starts with HELLO from each side (the nonce proves which process this pid
// is) and is then used in both directions. Peers of another user are refused
// (SO_PEERCRED) before a byte is read.
#include "marshal/peer.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <thread>
#include <unordered_map>
#include <utility>

#include "trace/trace_internal.h"

namespace comkit::rt {

// ---- The rendezvous directory ---------------------------------------------------------------

namespace {

// dir exists as a real directory of ours with mode 0700 (made if missing).
bool private_dir(const std::string& dir) noexcept {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return false;
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  if (st.st_uid != ::geteuid()) return false;
  if ((st.st_mode & 0777) != 0700 && ::chmod(dir.c_str(), 0700) != 0) return false;
  return true;
}

std::string pick_rendezvous_dir() {
  std::string dir;
  if (const char* run = std::getenv("XDG_RUNTIME_DIR"); run && run[0] == '/') {
    dir = std::string(run) + "/comkit";
    if (private_dir(dir)) return dir;
  }
  const char* tmp = std::getenv("TMPDIR");
  dir = std::string(tmp && tmp[0] == '/' ? tmp : "/tmp") + "/comkit-" + std::to_string(::geteuid());
  if (private_dir(dir)) return dir;
  COMKIT_TRACE("rpc", "no safe rendezvous directory (last tried %s)", dir.c_str());
  return {};
}

}  // namespace

const std::string& rendezvous_dir() noexcept {
  static const std::string* dir = [] {
    try {
      return new std::string(pick_rendezvous_dir());
    } catch (...) {
      return new (std::nothrow) std::string;
    }
  }();
  static const std::string empty;
  return dir ? *dir : empty;
}

// ---- Peers ---------------------------------------------------------------------------------

namespace {

constexpr HRESULT unavailable = HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE);

bool send_all(int fd, const std::byte* p, std::size_t n) noexcept {
  while (n > 0) {
    const ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

// Reads exactly n bytes; false at EOF or on an error. With a timeout (ms,
// -1 none), false also when the bytes do not come in time.
bool recv_all(int fd, std::byte* p, std::size_t n, int timeout_ms = -1) noexcept {
  while (n > 0) {
    if (timeout_ms >= 0) {
      pollfd pf{fd, POLLIN, 0};
      const int r = ::poll(&pf, 1, timeout_ms);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
    }
    const ssize_t k = ::recv(fd, p, n, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

bool same_user(int fd) noexcept {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  return cred.uid == ::geteuid();
}

std::uint32_t peer_cred_pid(int fd) noexcept {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return 0;
  return static_cast<std::uint32_t>(cred.pid);
}

std::vector<std::byte> hello_frame() {
  frame_writer w(frame_type::hello, 0);
  w.u32(wire_version).u32(static_cast<std::uint32_t>(::getpid())).bytes(process_nonce(), 8);
  return std::move(w.done());
}

// Reads one frame (header and payload); false at EOF, on an error or for
// bytes that are not a frame.
bool read_frame(int fd, std::vector<std::byte>& payload, frame* f, int timeout_ms = -1) noexcept {
  std::byte head[frame_header_size];
  if (!recv_all(fd, head, sizeof head, timeout_ms)) return false;
  frame_header h;
  if (!frame_parse_header(head, &h)) return false;
  try {
    payload.resize(h.length);
  } catch (...) {
    return false;
  }
  if (!recv_all(fd, payload.data(), h.length, timeout_ms)) return false;
  *f = frame{};
  return frame_parse(h, payload, f);
}

struct peer_key {
  std::uint32_t pid;
  std::uint64_t nonce;
  bool operator<(const peer_key& o) const noexcept { return pid != o.pid ? pid < o.pid : nonce < o.nonce; }
};

std::uint64_t nonce_value(const unsigned char* n) noexcept {
  std::uint64_t v;
  std::memcpy(&v, n, 8);
  return v;
}

}  // namespace

class peer {
 public:
  peer(int fd, bool accepted) noexcept : fd_(fd), accepted_(accepted) {
    wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  }
  ~peer() {
    ::close(fd_);
    if (wake_ >= 0) ::close(wake_);
  }

  std::atomic<long> refs{1};
  const int fd_;
  const bool accepted_;  // dialled by the other process: its HELLO comes first
  int wake_ = -1;        // eventfd: releases to flush
  peer_key key{};
  std::mutex lock;
  bool dead = false;                                // guarded by lock
  std::uint32_t next_call = 1;                      // guarded by lock
  std::unordered_map<std::uint32_t, reply_sink*> pending;  // guarded by lock
  std::vector<release_item> batch;                  // guarded by lock: releases not yet sent
  std::map<std::pair<std::uint64_t, DWORD>, DWORD> held;  // guarded by lock: the other side's holds here
  std::mutex write_lock;                            // one frame at a time on the socket

  HRESULT write(const std::vector<std::byte>& bytes) noexcept {
    std::lock_guard g(write_lock);
    return send_all(fd_, bytes.data(), bytes.size()) ? S_OK : unavailable;
  }

  void serve() noexcept;
  void flush_releases() noexcept;
  void die() noexcept;
};

namespace {

std::mutex g_peers_lock;
auto& g_peers = *new std::map<peer_key, peer*>;  // live peers (each with the map's reference); never destroyed

void register_peer(peer* p) {
  std::lock_guard g(g_peers_lock);
  auto [it, fresh] = g_peers.try_emplace(p->key, p);
  if (!fresh) return;  // both processes dialled at once: the first connection stays the one found
  peer_addref(p);
}

void unregister_peer(peer* p) noexcept {
  {
    std::lock_guard g(g_peers_lock);
    auto it = g_peers.find(p->key);
    if (it == g_peers.end() || it->second != p) return;
    g_peers.erase(it);
  }
  peer_release(p);
}

// Starts p's I/O thread (which takes over the caller's reference).
bool start_io(peer* p) noexcept {
  if (p->wake_ < 0) return false;
  try {
    std::thread([p] {
      p->serve();
      peer_release(p);
    }).detach();
  } catch (...) {
    return false;
  }
  return true;
}

// ---- Listening ----------------------------------------------------------------------

std::mutex g_listen_lock;
HRESULT g_listen_result = S_FALSE;  // guarded: S_FALSE until the first attempt

void accept_loop(int listener) noexcept {
  for (;;) {
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
          errno == ENOMEM) {
        if (errno != EINTR && errno != ECONNABORTED) ::usleep(10000);
        continue;
      }
      return;
    }
    if (!same_user(fd)) {
      COMKIT_TRACE("rpc", "refused a connection from another user");
      ::close(fd);
      continue;
    }
    auto* p = new (std::nothrow) peer(fd, true);
    if (!p) {
      ::close(fd);
      continue;
    }
    p->key.pid = peer_cred_pid(fd);
    if (!start_io(p)) peer_release(p);
  }
}

}  // namespace

HRESULT peer_listen() noexcept {
  std::lock_guard g(g_listen_lock);
  if (g_listen_result != S_FALSE) return g_listen_result;
  g_listen_result = unavailable;
  const std::string& dir = rendezvous_dir();
  if (dir.empty()) return g_listen_result;
  const std::string path = dir + "/" + std::to_string(::getpid());
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return g_listen_result;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return g_listen_result;
  ::unlink(path.c_str());  // a dead process's socket with our pid
  const mode_t old = ::umask(0077);
  const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  ::umask(old);
  if (bound != 0 || ::listen(fd, 64) != 0) {
    COMKIT_TRACE("rpc", "cannot listen on %s: %s", path.c_str(), std::strerror(errno));
    ::close(fd);
    return g_listen_result;
  }
  try {
    std::thread([fd] { accept_loop(fd); }).detach();
  } catch (...) {
    ::close(fd);
    ::unlink(path.c_str());
    return g_listen_result;
  }
  static const std::string* where = new std::string(path);
  std::atexit([] { ::unlink(where->c_str()); });
  g_listen_result = S_OK;
  return S_OK;
}

HRESULT peer_connect(std::uint32_t pid, const unsigned char* nonce, peer** out) noexcept {
  *out = nullptr;
  const peer_key key{pid, nonce_value(nonce)};
  {
    std::lock_guard g(g_peers_lock);
    if (auto it = g_peers.find(key); it != g_peers.end()) {
      peer_addref(it->second);
      *out = it->second;
      return S_OK;
    }
  }
  // Callbacks may come back on this connection; the other side also dials us
  // if it has to, so this process must be reachable first.
  if (FAILED(peer_listen())) return unavailable;
  const std::string path = rendezvous_dir() + "/" + std::to_string(pid);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return unavailable;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return unavailable;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || !same_user(fd) ||
      peer_cred_pid(fd) != pid) {
    ::close(fd);
    return unavailable;
  }
  auto* p = new (std::nothrow) peer(fd, false);
  if (!p) {
    ::close(fd);
    return E_OUTOFMEMORY;
  }
  p->key = key;
  try {
    std::vector<std::byte> payload;
    frame f;
    // The other side answers HELLO before anything else; one that does not
    // within 5 s is not a comkit process serving (or is hung).
    if (FAILED(p->write(hello_frame())) || !read_frame(fd, payload, &f, 5000) ||
        f.header.type != frame_type::hello || f.version != wire_version || f.pid != pid ||
        std::memcmp(f.nonce, nonce, 8) != 0) {
      peer_release(p);
      return unavailable;
    }
  } catch (...) {
    peer_release(p);
    return E_OUTOFMEMORY;
  }
  peer* winner = nullptr;
  {
    std::lock_guard g(g_peers_lock);
    auto [it, fresh] = g_peers.try_emplace(key, p);
    if (fresh) peer_addref(p);  // the map's
    winner = it->second;
    peer_addref(winner);  // the caller's
  }
  peer_addref(p);  // the I/O thread's
  if (!start_io(p)) {
    p->die();  // nobody would read its replies: calls fail instead of waiting
    peer_release(p);
  }
  peer_release(p);  // ours
  *out = winner;
  return S_OK;
}

void peer::serve() noexcept {
  std::vector<std::byte> payload;
  frame f;
  // An accepted connection starts with the other side's HELLO.
  if (accepted_) {
    try {
      if (!read_frame(fd_, payload, &f, 5000) || f.header.type != frame_type::hello || f.version != wire_version ||
          f.pid != key.pid || FAILED(write(hello_frame()))) {
        die();
        return;
      }
    } catch (...) {
      die();
      return;
    }
    key.nonce = nonce_value(f.nonce);
    try {
      register_peer(this);
    } catch (...) {
      die();
      return;
    }
  }
  for (;;) {
    pollfd pf[2] = {{fd_, POLLIN, 0}, {wake_, POLLIN, 0}};
    if (::poll(pf, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (pf[1].revents & POLLIN) {
      std::uint64_t n;
      while (::read(wake_, &n, sizeof n) > 0) {
      }
      flush_releases();
    }
    if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    if (!read_frame(fd_, payload, &f)) break;
    switch (f.header.type) {
      case frame_type::hello:
        break;
      case frame_type::reply: {
        reply_sink* sink = nullptr;
        {
          std::lock_guard g(lock);
          if (auto it = pending.find(f.header.call); it != pending.end()) {
            sink = it->second;
            pending.erase(it);
          }
        }
        if (sink) sink->on_reply(static_cast<HRESULT>(f.value), f.body);
        break;
      }
      case frame_type::claim:
        if (rpc_claim(this, f)) {
          std::lock_guard g(lock);
          try {
            ++held[{f.oid, f.serial}];
          } catch (...) {
            // Uncounted: the hold stays until the object's apartment ends.
          }
        }
        break;
      case frame_type::release:
        for (const release_item& r : f.releases) {
          DWORD count = 0;
          {
            std::lock_guard g(lock);
            auto it = held.find({r.oid, r.anchor});
            if (it == held.end()) continue;  // not this process's to give back
            count = std::min(r.count, it->second);
            if ((it->second -= count) == 0) held.erase(it);
          }
          for (DWORD k = 0; k < count; ++k) rpc_released(r.oid, r.anchor);
        }
        break;
      default:
        rpc_incoming(this, f);
        break;
    }
  }
  die();
}

void peer::flush_releases() noexcept {
  std::vector<release_item> items;
  {
    std::lock_guard g(lock);
    items.swap(batch);
  }
  if (items.empty()) return;
  try {
    frame_writer w(frame_type::release, 0);
    w.u32(static_cast<std::uint32_t>(items.size()));
    for (const auto& r : items) w.u64(r.oid).u32(r.anchor).u32(r.count);
    write(w.done());
  } catch (...) {
  }
}

void peer::die() noexcept {
  std::unordered_map<std::uint32_t, reply_sink*> lost;
  std::map<std::pair<std::uint64_t, DWORD>, DWORD> given;
  {
    std::lock_guard g(lock);
    dead = true;
    lost.swap(pending);
    given.swap(held);
    batch.clear();
  }
  ::shutdown(fd_, SHUT_RDWR);
  unregister_peer(this);
  COMKIT_TRACE("rpc", "connection to process %u closed: %zu calls lost, %zu objects given back", key.pid, lost.size(),
               given.size());
  for (auto& [id, sink] : lost) sink->on_lost(RPC_E_SERVER_DIED);
  for (auto& [object, count] : given)
    for (DWORD k = 0; k < count; ++k) rpc_released(object.first, object.second);
}

void peer_addref(peer* p) noexcept { p->refs.fetch_add(1, std::memory_order_relaxed); }
void peer_release(peer* p) noexcept {
  if (p->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p;
}
bool peer_alive(const peer* p) noexcept {
  auto* q = const_cast<peer*>(p);
  std::lock_guard g(q->lock);
  return !q->dead;
}

HRESULT peer_send_call(peer* p, std::vector<std::byte>& bytes, reply_sink* sink) noexcept {
  std::uint32_t id;
  {
    std::lock_guard g(p->lock);
    if (p->dead) return unavailable;
    id = p->next_call++;
    if (id == 0) id = p->next_call++;
    try {
      p->pending.emplace(id, sink);
    } catch (...) {
      return E_OUTOFMEMORY;
    }
  }
  std::memcpy(bytes.data() + 12, &id, 4);
  if (SUCCEEDED(p->write(bytes))) return S_OK;
  std::lock_guard g(p->lock);
  // Still pending: the call never left, and the sink is not called. Gone:
  // the I/O thread found the connection dead and told the sink already.
  return p->pending.erase(id) ? unavailable : S_OK;
}

HRESULT peer_send(peer* p, const std::vector<std::byte>& bytes) noexcept {
  {
    std::lock_guard g(p->lock);
    if (p->dead) return unavailable;
  }
  return p->write(bytes);
}

void peer_queue_release(peer* p, std::uint64_t oid, DWORD anchor) noexcept {
  bool first = false;
  {
    std::lock_guard g(p->lock);
    if (p->dead) return;
    try {
      if (!p->batch.empty() && p->batch.back().oid == oid && p->batch.back().anchor == anchor) {
        ++p->batch.back().count;
      } else {
        first = p->batch.empty();
        p->batch.push_back({oid, anchor, 1});
      }
    } catch (...) {
      return;  // the other side keeps the object until this process ends
    }
  }
  if (first) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t w = ::write(p->wake_, &one, sizeof one);
  }
}

}  // namespace comkit::rt
