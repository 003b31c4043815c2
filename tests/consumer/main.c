/* tests/consumer/main.c - a C user of an installed comkit, Windows-style. */
#define COBJMACROS
#include <objbase.h>
#include <oleauto.h>
#include <stdio.h>

int main(void) {
  IMalloc *m = NULL;
  void *p;
  ICreateErrorInfo *cei = NULL;
  if (CoGetMalloc(MEMCTX_TASK, &m) != S_OK) return 1;
  p = IMalloc_Alloc(m, 32);
  if (!p || IMalloc_GetSize(m, p) != 32) return 2;
  IMalloc_Free(m, p);
  if (CreateErrorInfo(&cei) != S_OK) return 3;
  ICreateErrorInfo_Release(cei);
  printf("consumer_c: ok\n");
  return 0;
}
