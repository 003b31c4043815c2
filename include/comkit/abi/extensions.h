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

/* ---- The class registry (docs/activation.md) ----------------------------- */

/* One class of a server, for ComkitRegisterServer. Strings are UTF-8; NULL
 * leaves the entry out. threading_model is "Apartment", "Free", "Both" or
 * "Neutral". */
typedef struct COMKIT_CLASS_REGISTRATION {
  CLSID clsid;
  const char *progid;
  const char *version_independent_progid;
  const char *threading_model;
  const char *description;
} COMKIT_CLASS_REGISTRATION;

#define COMKIT_REGISTER_DEFAULT 0 /* the process default (user unless changed) */
#define COMKIT_REGISTER_USER 1    /* $XDG_DATA_HOME/comkit/registry */
#define COMKIT_REGISTER_SYSTEM 2  /* /etc/comkit/registry */

/* Writes (atomically replaces) the manifest of the server at server_path
 * listing `classes`. A NULL server_path means the shared library that
 * contains the caller, which is what DllRegisterServer wants; that module must
 * export DllGetClassObject, and the call must not be a tail call (one whose
 * result is returned at once may be compiled into a jump that hides the
 * caller): keep the result in a variable and look at it. With
 * COMKIT_REGISTRY_PATH set, manifests go to its first directory whatever the
 * scope. E_INVALIDARG for a bad argument (relative or missing path, an
 * unknown threading model, a ProgID with characters outside
 * [A-Za-z0-9._-]); errno-based HRESULTs when the file cannot be written. */
COMKIT_STDAPI ComkitRegisterServer(const char *server_path, const COMKIT_CLASS_REGISTRATION *classes, ULONG count,
                                   DWORD scope);
/* Writes the manifest of a local server: the executable at executable_path
 * (NULL: the calling process's own executable), started with -Embedding
 * when one of `classes` is activated with CLSCTX_LOCAL_SERVER and no running
 * process has registered it (docs/local-servers.md). E_INVALIDARG when the
 * file is not executable. Removed with ComkitUnregisterServer(path). */
COMKIT_STDAPI ComkitRegisterLocalServer(const char *executable_path, const COMKIT_CLASS_REGISTRATION *classes,
                                        ULONG count, DWORD scope);
/* Removes the manifest of the server at server_path (NULL: the caller's
 * module, as above) from the scope's directory: S_OK, or S_FALSE when there
 * was none. */
COMKIT_STDAPI ComkitUnregisterServer(const char *server_path, DWORD scope);
/* Removes one class from whatever manifest registers it (the manifest goes
 * when its last class does): S_OK, or REGDB_E_CLASSNOTREG. */
COMKIT_STDAPI ComkitUnregisterClass(REFCLSID clsid);
/* The scope COMKIT_REGISTER_DEFAULT means in this process (comkit register
 * --system sets it before calling DllRegisterServer). */
COMKIT_STDAPI ComkitSetDefaultRegistrationScope(DWORD scope);
/* Drops the cached registry so the next lookup reads the files again
 * (lookups also notice changes by themselves within 200 ms). */
COMKIT_STDAPI ComkitRegistryRefresh(void);

/* One registered class, as ComkitEnumRegisteredClasses reports it. The
 * strings are UTF-8, never NULL ("" when absent), valid during the callback. */
typedef struct COMKIT_REGISTERED_CLASS {
  CLSID clsid;
  const char *progid;
  const char *version_independent_progid;
  const char *threading_model;
  const char *description;
  const char *server_path;
  const char *manifest_path;
  const char *server_kind; /* "in-process" or "local-server" (an executable) */
} COMKIT_REGISTERED_CLASS;
/* Return FALSE to stop the enumeration. */
typedef BOOL(STDAPICALLTYPE *COMKIT_ENUM_CLASSES_CALLBACK)(const COMKIT_REGISTERED_CLASS *cls, void *context);
/* Calls `callback` for every class the registry knows, in search order
 * (classes shadowed by an earlier directory are skipped). */
COMKIT_STDAPI ComkitEnumRegisteredClasses(COMKIT_ENUM_CLASSES_CALLBACK callback, void *context);

#endif /* COMKIT_ABI_EXTENSIONS_H */
