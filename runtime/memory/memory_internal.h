// runtime/memory/memory_internal.h - the task allocator as other subsystems
// use it (BSTR blocks come from here so malloc spies see them). Never
// installed.
#ifndef COMKIT_RUNTIME_MEMORY_INTERNAL_H
#define COMKIT_RUNTIME_MEMORY_INTERNAL_H

#include <cstddef>

namespace comkit::rt {

void* memory_alloc(std::size_t cb) noexcept;
void* memory_realloc(void* pv, std::size_t cb) noexcept;
void memory_free(void* pv) noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_MEMORY_INTERNAL_H
