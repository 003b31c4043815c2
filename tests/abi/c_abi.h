/* tests/abi/c_abi.h - functions of c_abi.c (compiled as C) that the C++
 * ABI tests call. */
#ifndef COMKIT_TESTS_C_ABI_H
#define COMKIT_TESTS_C_ABI_H

#include <objbase.h>

COMKIT_EXTERN_C_BEGIN
void c_call_all_unknown(IUnknown *p);
void c_call_all_class_factory(IClassFactory *p);
void c_call_all_malloc(IMalloc *p);
void c_call_all_malloc_spy(IMallocSpy *p);
void c_call_all_error_info(IErrorInfo *p);
void c_call_all_create_error_info(ICreateErrorInfo *p);
void c_call_all_support_error_info(ISupportErrorInfo *p);
IClassFactory *c_new_factory(void);
LONG c_factory_locks(IClassFactory *p);
int c_runtime_roundtrip(void);
COMKIT_EXTERN_C_END

#endif
