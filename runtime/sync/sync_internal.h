// runtime/sync/sync_internal.h - the read-side sections that let libcomkit's
// readers use published, immutable data (the activation cache's factory map,
// the registry's snapshots) without a lock, and let writers know when the
// data they replaced can be freed. Base layer; never installed.
//
// The protocol (read-copy-update with one slot per thread):
//
//   reader                                   writer
//   ------                                   ------
//   read_section s;  // slot.seq -> odd      publish(next)   // seq_cst store
//   p = published.load(seq_cst)              g = grace_period::start()
//   ... use *p ...                           ... later: if (g.over()) free(old)
//   }                // slot.seq -> even     (or sync_wait_for_readers(); free(old))
//
// Why it is safe: the reader's store of an odd seq and its load of the
// pointer, and the writer's store of the new pointer and its loads of every
// slot, are all sequentially consistent, so there is one total order of the
// four. Either the reader's load comes after the writer's store (it sees the
// new data, and never the old), or the reader's odd store comes before the
// writer's slot load (the writer records it, and frees only once that slot's
// seq has moved on, that is once the reader has left that section).
// Sections nest on one thread (depth); only the outermost one touches the
// slot. A thread inside a section must never wait for readers (it would wait
// for itself); grace_period::over() never waits, so a writer that may run
// inside a section, or while a reader waits for it, uses that.
#ifndef COMKIT_RUNTIME_SYNC_INTERNAL_H
#define COMKIT_RUNTIME_SYNC_INTERNAL_H

#include <atomic>
#include <cstdint>
#include <vector>

namespace comkit::rt {

/// One thread's slot: registered while the thread lives. `seq` is odd
/// while the thread is inside a section and even outside; only the owning
/// thread writes it, one step on entering and one on leaving the outermost
/// section, so a writer that saw an odd value knows the reader has left
/// once the value differs.
struct reader_slot {
  std::atomic<std::uint64_t> seq{0};
  int depth = 0;  // owning thread only: nesting of sections
};

/// The calling thread's slot.
reader_slot& sync_thread_slot() noexcept;

/// A read-side section: what a reader loads (seq_cst) from a published
/// pointer after entering stays valid until the section ends.
class read_section {
 public:
  read_section() noexcept : m_slot(sync_thread_slot()) {
    if (m_slot.depth++ == 0) m_slot.seq.store(m_slot.seq.load(std::memory_order_relaxed) + 1, std::memory_order_seq_cst);
  }
  ~read_section() {
    if (--m_slot.depth == 0) m_slot.seq.store(m_slot.seq.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }
  read_section(const read_section&) = delete;
  read_section& operator=(const read_section&) = delete;

 private:
  reader_slot& m_slot;
};

/// True while the calling thread is inside a read section.
bool sync_in_read_section() noexcept;

/// The readers a writer must outlast: the threads inside a section when the
/// grace period started (after the writer published its replacement).
class grace_period {
 public:
  /// Starts a grace period now. Call after publishing (seq_cst).
  static grace_period start();
  /// True once every reader of the start has left its section. Never waits.
  bool over();

 private:
  struct reader {
    reader_slot* slot;
    std::uint64_t seq;  // odd: inside when the period started
  };
  std::vector<reader> m_readers;
};

/// Waits until every thread that was inside a read section when this was
/// called has left it. Must not be called from inside a section.
void sync_wait_for_readers() noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_SYNC_INTERNAL_H
