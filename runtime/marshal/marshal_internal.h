// runtime/marshal/marshal_internal.h - between the object exporter
// (marshal.cpp: what an apartment handed out) and the call layer (rpc.cpp:
// proxy managers, channels, calls between apartments). Never installed.
#ifndef COMKIT_RUNTIME_MARSHAL_INTERNAL_H
#define COMKIT_RUNTIME_MARSHAL_INTERNAL_H

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <comkit/abi/proxytable.h>

#include "apartment/apartment_internal.h"
#include "marshal/objref.h"

namespace comkit::rt {

class peer;

/// An exported object as a proxy sees it: its OID, the IPID serial of an
/// interface it was unmarshalled through (to find it by), and where it
/// lives: an apartment of this process (`home`, one reference) or another
/// process (`process`, one reference on the connection; home null).
struct remote_object {
  std::uint64_t oid = 0;
  DWORD anchor = 0;
  apartment* home = nullptr;
  peer* process = nullptr;
};

// ---- rpc.cpp ----------------------------------------------------------------
/// The calling apartment's proxy for `remote` (unmarshalled through
/// `marshalled`, whose IPID is remote.anchor), asked for `iid`. Takes over
/// remote's references: its home, and one proxy hold on the object.
HRESULT proxy_unmarshal(remote_object remote, const IID& marshalled, const IID& iid, void** ppv) noexcept;
/// True when iid's stub comes from a compiled table (no CoRegisterPSClsid
/// of the program's own): making it cannot fail, so it may wait for the
/// first call. Cheap: no lock unless CoRegisterPSClsid was ever called.
bool stub_from_compiled_table(const IID& iid) noexcept;
/// The proxy/stub factory for iid (CoGetPSClsid, then its class object);
/// REGDB_E_IIDNOTREG when no class is named for iid, E_NOINTERFACE when
/// the named class has no factory.
HRESULT ps_factory_for(const IID& iid, IPSFactoryBuffer** out) noexcept;
/// When `object` is a proxy: the object behind it exported as iid in its
/// own apartment for one marshal (a round trip home), so the OBJREF names
/// the object and not the proxy. S_FALSE when object is no proxy;
/// RPC_E_WRONG_THREAD from another apartment than the proxy's.
HRESULT proxy_export(IUnknown* object, const IID& iid, DWORD mshlflags, std_objref* out) noexcept;

/// Unmarshals a standard OBJREF naming another process's object: connects
/// to it, claims the marshal's references there (as one hold of this
/// process's), and makes the proxy. With release_only, gives the marshal
/// back instead (CoReleaseMarshalData).
HRESULT remote_unmarshal(const std_objref& s, const IID& marshalled, const IID& iid, void** ppv,
                         bool release_only) noexcept;

// ---- table_ps.cpp ------------------------------------------------------------------------------
/// The class object of CLSID_PSFactoryBuffer: proxies and stubs from tables.
IClassFactory* standard_ps_class_factory() noexcept;
/// True when a proxy/stub table describes iid (built in or registered).
bool has_proxy_table(const IID& iid) noexcept;
/// The compiled table describing iid (built in or registered); null when none.
const COMKIT_PS_INTERFACE* compiled_proxy_table(const IID& iid) noexcept;
/// The class object of PSOAInterface and PSDispatch: the same proxies and
/// stubs, from tables made from type information (typelib_ps.cpp).
IClassFactory* typelib_ps_class_factory() noexcept;

/// A table kind only tables made from type information use (never in a
/// FILE_p.c): a record behind a pointer (indirection 1, `size` bytes) whose
/// fields travel one by one through the IRecordInfo registered for the
/// parameter (GetField/PutField, each a VARIANT).
constexpr unsigned char ps_kind_record = 0xC0;
/// Names the record info of a ps_kind_record parameter (kept, with its
/// reference, for the process's life, as the table is).
void register_record_param(const COMKIT_PS_PARAM* param, IRecordInfo* info) noexcept;

// ---- typelib_ps.cpp: the universal marshaler's tables ----------------------------------------
/// The table for iid made from the type information the registry names
/// for it (its [interface] entry's type library); made once per process and
/// kept. Null when there is none or iid cannot be described.
const COMKIT_PS_INTERFACE* typelib_table(const IID& iid) noexcept;

// ---- marshal.cpp: marshal data as bytes -------------------------------------------------------
/// One CoMarshalInterface of object as iid, its OBJREF appended to out (its
/// references given back again if the bytes cannot be kept).
HRESULT marshal_to_bytes(IUnknown* object, const IID& iid, DWORD dest, DWORD mshlflags,
                         std::vector<std::byte>& out) noexcept;
/// CoUnmarshalInterface from OBJREF bytes.
HRESULT unmarshal_from_bytes(std::span<const std::byte> bytes, const IID& iid, void** ppv) noexcept;

// ---- security.cpp -------------------------------------------------------------------------------
/// An authentication blanket (a proxy's, or the process's defaults).
struct blanket {
  DWORD authn_svc = RPC_C_AUTHN_WINNT;
  DWORD authz_svc = RPC_C_AUTHZ_NONE;
  DWORD authn_level = RPC_C_AUTHN_LEVEL_CONNECT;
  DWORD imp_level = RPC_C_IMP_LEVEL_IDENTIFY;
  DWORD capabilities = EOAC_NONE;
};
/// The first marshal or unmarshal fixes the process's security defaults
/// (CoInitializeSecurity then gives RPC_E_TOO_LATE).
void security_fix_defaults() noexcept;
blanket security_defaults() noexcept;
/// SetBlanket's values into b, the *_DEFAULT ones from the process's
/// defaults; E_INVALIDARG for a level out of range.
HRESULT blanket_set(blanket& b, DWORD authn_svc, DWORD authz_svc, DWORD authn_level, DWORD imp_level,
                    DWORD capabilities) noexcept;

// ---- marshal.cpp, each run on the object's home thread ------------------------
/// QueryInterface on the exported object, and the interface exported: its
/// IPID serial. CO_E_OBJNOTCONNECTED once the object is gone.
HRESULT exporter_remote_qi(const remote_object& remote, const IID& iid, DWORD* serial) noexcept;
/// One call through the stub of interface `serial` (made on first use).
HRESULT exporter_invoke(const remote_object& remote, DWORD serial, RPCOLEMESSAGE* message,
                        IRpcChannelBuffer* channel) noexcept;
/// Exports the object's interface iid for one marshal (export_interface,
/// in the object's apartment).
HRESULT exporter_export(const remote_object& remote, const IID& iid, DWORD mshlflags, std_objref* out) noexcept;
/// For the message filter: the object's IUnknown (a reference) and the IID
/// of interface `serial`. CO_E_OBJNOTCONNECTED once the object is gone.
HRESULT exporter_call_info(const remote_object& remote, DWORD serial, IUnknown** object, IID* iid) noexcept;
/// A proxy manager let go of the object.
void exporter_proxy_released(const remote_object& remote) noexcept;
/// The exported object (oid, serial) as a call target, its home with a
/// reference; RPC_E_DISCONNECTED when it is gone. Any thread.
HRESULT exporter_locate(std::uint64_t oid, DWORD serial, remote_object* out) noexcept;
/// The exported object's IUnknown (a reference); CO_E_OBJNOTCONNECTED once
/// it is gone.
HRESULT exporter_identity(const remote_object& remote, IUnknown** out) noexcept;
/// Activation in the process behind p (CLSCTX_LOCAL_SERVER): an instance of
/// clsid (mode 0) or its class object (mode 1), as iid.
HRESULT remote_activate(peer* p, const CLSID& clsid, const IID& iid, DWORD mode, void** ppv) noexcept;
/// Another process unmarshalled our OBJREF: it holds the object as a proxy
/// does, and the marshal's public references are used up. False when the
/// object is gone. Any thread.
bool exporter_claim(std::uint64_t oid, DWORD serial, DWORD public_refs, DWORD flags) noexcept;
/// A normal marshal that will never be unmarshalled (its reply was lost, or
/// the process it went to ended first): its references given back, as
/// CoReleaseMarshalData does. Any thread.
void exporter_release_unclaimed(const std_objref& s) noexcept;

// ---- The marshals a message to another process carries ------------------------
// A message to another process (a call's request, or the reply to one)
// lists the normal marshals it carries (marshal_list_scope), but only those
// made while the message itself is encoded (marshal_encoding_scope: the
// proxy's [in] values, the stub's [out] values, an activation's object), not
// those the called method makes for its own purposes. The connection then
// expects the other process to claim them, and gives back those it never
// claims when it ends (peer.h).
class marshal_list_scope {
 public:
  explicit marshal_list_scope(std::vector<std_objref>* into) noexcept;
  ~marshal_list_scope();
  marshal_list_scope(const marshal_list_scope&) = delete;
  marshal_list_scope& operator=(const marshal_list_scope&) = delete;

 private:
  std::vector<std_objref>* outer_;
  bool outer_encoding_;
};
class marshal_encoding_scope {
 public:
  marshal_encoding_scope() noexcept;
  ~marshal_encoding_scope();
  marshal_encoding_scope(const marshal_encoding_scope&) = delete;
  marshal_encoding_scope& operator=(const marshal_encoding_scope&) = delete;

 private:
  bool outer_;
};
/// The marshals of the request this thread is sending (set by the proxy
/// around SendReceive): the channel to another process has the connection
/// expect them before the request leaves, and empties the list.
extern thread_local std::vector<std_objref>* t_request_marshals;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_MARSHAL_INTERNAL_H
