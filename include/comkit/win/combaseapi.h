/* <combaseapi.h> - Windows-compatible name for the core COM C API (GUID text,
 * task memory), plus IID_PPV_ARGS for C++. */
#ifndef COMKIT_WIN_COMBASEAPI_H
#define COMKIT_WIN_COMBASEAPI_H
#include <basetyps.h>
#include <wtypes.h>
#include <unknwn.h>
#include <objidlbase.h>
#include <comkit/abi/combase.h>
#include <comkit/abi/rpcdce.h>
#include <comkit/abi/activation.h>
#ifdef __cplusplus
#include <type_traits>
#endif

#ifdef __cplusplus
/* IID_PPV_ARGS(&p) expands to the two arguments "IID of *p, (void**)&p".
 * The helper only accepts pointers to COM interface pointers; <comkit/com_ptr.h>
 * adds com_ptr (IID_PPV_ARGS(&ptr) releases what ptr held and fills it). */
template <typename T>
void **IID_PPV_ARGS_Helper(T **pp) {
  static_assert(std::is_convertible_v<T *, IUnknown *>, "IID_PPV_ARGS needs a pointer to an interface pointer");
  return reinterpret_cast<void **>(pp);  // ABI: an [out] interface pointer is passed as void**
}
#define IID_PPV_ARGS(ppType) \
  ::comkit::guid_of<typename ::comkit::detail::ppv_target<std::remove_cv_t<decltype(ppType)>>::type>(), IID_PPV_ARGS_Helper(ppType)
#endif
#endif
