// runtime/typeinfo/typelib_data.h - a type library as plain data, and its
// MSFT binary form.
//
// One description of a type library, shared by everything that makes or
// reads one: the IDL compiler builds it from its model, ICreateTypeLib2
// builds it call by call, LoadTypeLib reads it from a file, and ITypeLib /
// ITypeInfo answer from it. write_msft and read_msft are the one writer and
// the one reader of Windows' binary format (the "MSFT" format oleaut32
// loads and MIDL and widl write).
//
// This is a static library of its own (comkit_typelib_data), linked into
// libcomkit and into the compiler: plain C++ over the ABI's constants, with
// no COM objects and no runtime calls, so the compiler needs no libcomkit.
//
// References between types (a parameter of type IFoo*, an interface's
// base, a coclass's members) are `href`s: an index into this library's
// types, or into its imported types. The MSFT writer turns them into file
// offsets and the reader back into indexes.
#ifndef COMKIT_RUNTIME_TYPEINFO_TYPELIB_DATA_H
#define COMKIT_RUNTIME_TYPEINFO_TYPELIB_DATA_H

#include <comkit/abi/oaidl.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace comkit::typelib {

/// A type in this library (local >= 0) or an imported type.
struct href {
  enum kind_t : std::uint8_t { none, local, imported } kind = none;
  std::uint32_t index = 0;  // into library::types or library::imported_types
  bool operator==(const href&) const = default;
};

/// A TYPEDESC as a value: VT_PTR and VT_SAFEARRAY wrap `inner`, VT_CARRAY
/// wraps `inner` with `bounds`, VT_USERDEFINED names `ref`.
struct type_desc {
  VARTYPE vt = VT_EMPTY;
  std::shared_ptr<const type_desc> inner;
  std::vector<SAFEARRAYBOUND> bounds;  // VT_CARRAY, outermost first
  href ref;                            // VT_USERDEFINED
  bool operator==(const type_desc& o) const;
};

/// A constant: an enum's value, a [defaultvalue], custom data. The kinds a
/// type library stores (integers, reals, strings, and a few others as
/// their integer or real bits).
struct value {
  VARTYPE vt = VT_EMPTY;
  std::int64_t i = 0;      // VT_I1..VT_UI8, VT_INT/UINT, VT_BOOL, VT_ERROR, VT_CY (as its int64)
  double r = 0;            // VT_R4, VT_R8, VT_DATE
  std::u16string s;        // VT_BSTR
  bool operator==(const value&) const = default;
};

/// custom(guid, value) entries.
struct cust_item {
  GUID guid{};
  value val;
  bool operator==(const cust_item&) const = default;
};
using cust_data = std::vector<cust_item>;

/// Documentation fields every named item has.
struct doc {
  std::u16string name;
  std::u16string helpstring;
  std::uint32_t helpcontext = 0;
  std::uint32_t helpstringcontext = 0;
  cust_data custom;
  bool operator==(const doc&) const = default;
};

struct param_data {
  std::u16string name;
  type_desc type;
  USHORT flags = 0;  // PARAMFLAG_*
  value default_value;  // when flags has PARAMFLAG_FHASDEFAULT
  cust_data custom;
  bool operator==(const param_data&) const = default;
};

struct func_data {
  doc d;
  MEMBERID memid = 0;
  FUNCKIND funckind = FUNC_PUREVIRTUAL;
  INVOKEKIND invkind = INVOKE_FUNC;
  CALLCONV callconv = CC_STDCALL;
  SHORT ovft = 0;    // byte offset of the vtable slot
  WORD flags = 0;    // FUNCFLAG_*
  SHORT params_opt = 0;  // cParamsOpt (-1 with [vararg])
  type_desc result;
  std::vector<param_data> params;
  std::u16string entry;  // TKIND_MODULE: the entry point's name (or ordinal as text); empty for none
  std::uint16_t entry_ordinal = 0;  // when the entry is an ordinal
  bool ovft_given = false;  // ICreateTypeInfo: the caller chose ovft (lay_out keeps it); not in the file
  bool operator==(const func_data&) const = default;
};

struct var_data {
  doc d;
  MEMBERID memid = 0;
  VARKIND varkind = VAR_PERINSTANCE;
  WORD flags = 0;  // VARFLAG_*
  type_desc type;
  std::uint32_t offset = 0;  // VAR_PERINSTANCE: byte offset in the record
  value constant;            // VAR_CONST
  bool operator==(const var_data&) const = default;
};

struct impl_type {
  href ref;
  int flags = 0;  // IMPLTYPEFLAG_*
  cust_data custom = {};  // a coclass member's custom data (an interface's base has no place for any in the file)
  bool operator==(const impl_type&) const = default;
};

struct type_data {
  doc d;
  TYPEKIND kind = TKIND_INTERFACE;
  GUID guid{};
  WORD flags = 0;  // TYPEFLAG_*
  WORD major = 0, minor = 0;
  std::uint32_t size = 0;       // cbSizeInstance
  WORD alignment = 1;           // cbAlignment
  WORD size_vft = 0;            // cbSizeVft
  std::vector<func_data> funcs;
  std::vector<var_data> vars;
  std::vector<impl_type> impls;  // the base (interface, dispinterface) or the members (coclass)
  type_desc alias;               // TKIND_ALIAS
  std::u16string dllname;        // TKIND_MODULE [dllname]
  /// A dual interface is one TKIND_DISPATCH type with TYPEFLAG_FDUAL; its
  /// TKIND_INTERFACE view (GetRefTypeOfImplType(-1)) is derived from it by
  /// ITypeInfo, not stored separately.
  bool operator==(const type_data&) const = default;
};

/// A type library another one imports (importlib).
struct import_file {
  GUID guid{};
  LCID lcid = 0;
  WORD major = 0, minor = 0;
  std::u16string filename;  // as the importing library names it: "stdole2.tlb"
  bool operator==(const import_file&) const = default;
};

/// A type of an imported library that this one refers to.
struct imported_type {
  std::uint32_t file = 0;  // into library::imports
  GUID guid{};             // the type's GUID; all-zero when it has none
  std::int32_t index = -1;  // its index in the imported library, used when guid is zero
  TYPEKIND kind = TKIND_INTERFACE;  // what it is, when known (the reader does not know it)
  // Its cbSizeInstance and cbAlignment when known (ICreateTypeInfo's
  // AddRefTypeInfo asks them; not stored in the file): what layout_of uses
  // for a record, union or alias of another library. 0: unknown.
  std::uint32_t size = 0;
  WORD alignment = 0;
  bool operator==(const imported_type&) const = default;
};

struct library {
  doc d;
  GUID guid{};
  LCID lcid = 0;
  SYSKIND syskind = SYS_WIN64;
  WORD major = 0, minor = 0;
  WORD flags = 0;  // LIBFLAG_*
  std::u16string helpfile;
  std::u16string helpstringdll;
  std::vector<type_data> types;
  std::vector<import_file> imports;
  std::vector<imported_type> imported_types;
  bool operator==(const library&) const = default;
};

/// Size and alignment of a value of type `t` in `lib` (MIDL's default
/// packing of 8; pointers of lib.syskind's size). A local record, union,
/// enum or alias must be laid out already; an imported one has its
/// imported_type size when known, else counts as 4.
std::pair<std::uint32_t, std::uint32_t> layout_of(const library& lib, const type_desc& t);

/// Lays out a record, union, enum or alias of `lib` from its members: each
/// field's offset, the size and the alignment, as MIDL does (and
/// ICreateTypeInfo::LayOut). Other kinds are left as they are.
void lay_out(const library& lib, type_data& t);

/// The MSFT image of `lib`. Throws std::invalid_argument when lib refers to
/// a type or import that does not exist, and std::length_error when it is
/// too big for the format's 32-bit offsets.
std::vector<std::uint8_t> write_msft(const library& lib);

/// Reads an MSFT image. On failure returns the HRESULT oleaut32 gives for a
/// bad file (TYPE_E_CANTLOADLIBRARY for a damaged or unsupported image,
/// TYPE_E_INVDATAREAD for one that ends early) and leaves `out` unspecified.
/// Every offset and count is checked against the image: any input is safe.
HRESULT read_msft(std::span<const std::uint8_t> image, library& out);

/// An MSFT image read on demand, as LoadTypeLib reads a file: open() reads
/// the library's own record, its imports and every type's own record
/// (name, GUID, kind, flags, sizes, bases: what listing and searching a
/// library need) and checks that each type's member block lies in the
/// image; members() reads one type's functions and variables when they
/// are first needed. The reader keeps the image. members() is not
/// thread-safe (the caller serialises it) and clears `t`'s members when it
/// fails; every check of read_msft applies, at the call that reads the part.
class msft_reader {
 public:
  msft_reader();
  ~msft_reader();
  msft_reader(const msft_reader&) = delete;
  msft_reader& operator=(const msft_reader&) = delete;

  /// Reads `image`'s library into `out`, its types' funcs and vars left
  /// empty. The HRESULTs of read_msft.
  HRESULT open(std::vector<std::uint8_t> image, library& out);
  /// Reads type `index`'s funcs and vars into `t` (its open()ed record).
  HRESULT members(std::uint32_t index, type_data& t);
  /// The image open() was given.
  std::span<const std::uint8_t> image() const;

 private:
  struct state;
  std::unique_ptr<state> s_;
};

/// True when `image` starts like an MSFT type library.
bool looks_like_msft(std::span<const std::uint8_t> image);

/// The library as text, one line per item: what `comkit inspect` prints
/// for a type library, and what tests compare.
std::string dump(const library& lib);

/// The library as MIDL source that compiles back to the same content
/// (`comkit idl --from-tlb`). imported_names[i] names imported_types[i]
/// when known (stdole2's types are known without it).
std::string to_idl(const library& lib, const std::vector<std::string>& imported_names = {});

/// Text as the format stores it (names, strings): UTF-8.
std::string to_utf8(const std::u16string& s);

/// LHashValOfNameSysA: the hash type libraries store with every name.
ULONG lhash_name(SYSKIND syskind, LCID lcid, const char* name);

}  // namespace comkit::typelib

#endif  // COMKIT_RUNTIME_TYPEINFO_TYPELIB_DATA_H
