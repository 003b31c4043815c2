// runtime/sync/sync.cpp - read-side sections: the per-thread slots and the
// writers' wait (sync_internal.h has the protocol).
#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#include "sync/sync_internal.h"

namespace comkit::rt {
namespace {

struct reader_registry {
  std::mutex lock;
  std::vector<reader_slot*> slots;  // guarded by lock
};

reader_registry& readers() noexcept {
  static reader_registry* r = new reader_registry;  // never destroyed: threads may outlive statics
  return *r;
}

// One slot per thread, registered while the thread lives.
struct thread_slot {
  reader_slot slot;
  thread_slot() {
    std::lock_guard<std::mutex> guard(readers().lock);
    readers().slots.push_back(&slot);
  }
  ~thread_slot() {
    std::lock_guard<std::mutex> guard(readers().lock);
    std::erase(readers().slots, &slot);
  }
};
thread_local thread_slot t_reader;

}  // namespace

reader_slot& sync_thread_slot() noexcept { return t_reader.slot; }

bool sync_in_read_section() noexcept { return t_reader.slot.depth > 0; }

grace_period grace_period::start() {
  grace_period g;
  reader_registry& r = readers();
  std::lock_guard<std::mutex> guard(r.lock);
  for (reader_slot* s : r.slots) {
    const std::uint64_t seq = s->seq.load(std::memory_order_seq_cst);
    if (seq & 1) g.m_readers.push_back(reader{s, seq});
  }
  return g;
}

bool grace_period::over() {
  if (m_readers.empty()) return true;
  // Slots are read under the lock: a thread that exits frees its slot
  // (after removing it under the lock), and is then no reader.
  reader_registry& r = readers();
  std::lock_guard<std::mutex> guard(r.lock);
  std::erase_if(m_readers, [&](const reader& x) {
    return std::find(r.slots.begin(), r.slots.end(), x.slot) == r.slots.end() ||
           x.slot->seq.load(std::memory_order_acquire) != x.seq;
  });
  return m_readers.empty();
}

void sync_wait_for_readers() noexcept {
  try {
    grace_period g = grace_period::start();
    while (!g.over()) std::this_thread::yield();
  } catch (...) {
    // Out of memory for the list of readers: wait for every slot to be
    // outside a section at one moment instead (slower, same guarantee).
    for (;;) {
      bool busy = false;
      {
        std::lock_guard<std::mutex> guard(readers().lock);
        for (reader_slot* s : readers().slots) busy |= (s->seq.load(std::memory_order_seq_cst) & 1) != 0;
      }
      if (!busy) return;
      std::this_thread::yield();
    }
  }
}

}  // namespace comkit::rt
