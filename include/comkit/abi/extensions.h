/* comkit/abi/extensions.h - libcomkit C functions that have no Windows
 * counterpart but that every language binding needs: the HRESULT message
 * catalogue, errno mapping, name-based (version 5) GUIDs and UTF-8/UTF-16
 * conversion. All are prefixed Comkit. Part of the C-compatible ABI layer. */
#ifndef COMKIT_ABI_EXTENSIONS_H
#define COMKIT_ABI_EXTENSIONS_H

#include <comkit/abi/guid.h>
#include <comkit/abi/hresult.h>

/* The standard English text of hr (UTF-8, static storage, no trailing
 * newline), as Windows' FormatMessage gives it; NULL for a code comkit does
 * not know. Codes of FACILITY_WIN32 and plain Win32 codes 0-65535 get the
 * Win32 error's text, as on Windows (so S_FALSE reads "Incorrect function."). */
COMKIT_STDAPI_(const char *) ComkitHResultMessage(HRESULT hr);
/* The symbolic name ("E_NOINTERFACE"), or NULL when unknown. */
COMKIT_STDAPI_(const char *) ComkitHResultName(HRESULT hr);
/* An errno value as an HRESULT: HRESULT_FROM_WIN32 of the matching Win32
 * error where one exists (ENOENT -> ERROR_FILE_NOT_FOUND, ENOMEM ->
 * E_OUTOFMEMORY ...), S_OK for 0, E_FAIL for errno values without a match. */
COMKIT_STDAPI ComkitHResultFromErrno(int errnum);

/* The name-based version 5 GUID (RFC 9562: SHA-1 of the namespace in
 * network byte order followed by the name bytes). The result's text form is
 * the RFC's UUID text. E_POINTER for a NULL namespace or out pointer, or a
 * NULL name with a non-zero length. */
COMKIT_STDAPI ComkitGuidFromName(REFGUID namespace_guid, const void *name, size_t name_len, GUID *out);

/* UTF-8 to UTF-16. Writes at most dst_len units (no NUL is added) and stores
 * the units the whole conversion needs in *needed (may be NULL). dst may be
 * NULL with dst_len 0 to measure. Returns S_OK,
 * HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER) when dst is too small,
 * HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION) for ill-formed input
 * (overlong forms, surrogates, values above U+10FFFF, truncated sequences),
 * E_POINTER for NULL src with a non-zero src_len. */
COMKIT_STDAPI ComkitUtf8ToUtf16(const char *src, size_t src_len, OLECHAR *dst, size_t dst_len, size_t *needed);
/* UTF-16 to UTF-8, with the same contract; unpaired surrogates are
 * ill-formed. */
COMKIT_STDAPI ComkitUtf16ToUtf8(const OLECHAR *src, size_t src_len, char *dst, size_t dst_len, size_t *needed);
/* A BSTR holding the UTF-16 form of src_len bytes of UTF-8. E_OUTOFMEMORY,
 * ERROR_NO_UNICODE_TRANSLATION as above, E_POINTER for a NULL out. */
COMKIT_STDAPI ComkitBstrFromUtf8(const char *src, size_t src_len, BSTR *out);

#endif /* COMKIT_ABI_EXTENSIONS_H */
