// bench/operations.h - operations measured both by runtime_bench (time) and
// callgrind_probe (instructions), defined once so both measure the same code.
#ifndef COMKIT_BENCH_OPERATIONS_H
#define COMKIT_BENCH_OPERATIONS_H

#include <objbase.h>
#include <oleauto.h>

namespace comkit::bench {

/// CreateErrorInfo, SetErrorInfo, GetErrorInfo and the releases: the round
/// trip a failing method and its caller make.
inline void error_info_round_trip() {
  ICreateErrorInfo* create = nullptr;
  CreateErrorInfo(&create);
  IErrorInfo* info = nullptr;
  create->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&info));  // ABI: [out] IErrorInfo* as void**
  create->Release();
  SetErrorInfo(0, info);
  info->Release();
  IErrorInfo* got = nullptr;
  GetErrorInfo(0, &got);
  got->Release();
}

}  // namespace comkit::bench

#endif
