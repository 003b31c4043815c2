// runtime/typeinfo/typelib_marshal.cpp - type libraries and type infos
// marshalled by value.
//
// A loaded ITypeLib or ITypeInfo is immutable data, so it does not need a
// proxy: within a process it is handed over as it is (the free-threaded
// marshaler: the same object in every apartment), and to another process
// as a copy: the library's MSFT image (the bytes it was loaded from, or
// write_msft of the data it was made of) and which type info and view it
// is. The receiver loads the image from memory
// (its imports through the registry, else by bare name on the search path:
// typelib.cpp, type_lib::imported) and has a type info that answers
// everything locally. This is how IDispatch::GetTypeInfo and
// any [out] ITypeInfo** cross processes: ITypeInfo's own remote methods
// ([call_as] RemoteGetTypeAttr ...) have no proxy in comkit.
//
// Marshal data (the custom OBJREF's payload): u32 magic "CKTL", u32 version
// 1, i32 type info index (-1: the library itself), u8 view (1: a dual's
// interface view), u32 image size, the image. Bounded by max_image_bytes.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

#include <objbase.h>
#include <oleauto.h>

#include "marshal/counted_object.h"
#include "runtime_internal.h"
#include "typeinfo_internal.h"

namespace comkit::rt {
namespace {

constexpr std::uint32_t magic = 0x4C544B43;  // "CKTL"
constexpr std::uint32_t version = 1;
constexpr std::uint32_t header_bytes = 17;
constexpr std::uint32_t max_image_bytes = 64u << 20;

bool in_process(DWORD dest) { return dest == MSHCTX_INPROC || dest == MSHCTX_CROSSCTX; }

HRESULT read_exact(IStream* stm, void* out, ULONG n) {
  ULONG got = 0;
  const HRESULT hr = stm->Read(out, n, &got);
  if (FAILED(hr)) return hr;
  return got == n ? S_OK : STG_E_READFAULT;
}

// Within the process: one free-threaded marshaler for every library and
// type info (not aggregated: it marshals the pointer it is given, pv).
// Made once, never released. Null when it could not be made.
IMarshal* shared_ftm() noexcept {
  static IMarshal* const ftm = []() -> IMarshal* {
    IUnknown* unk = nullptr;
    if (FAILED(CoCreateFreeThreadedMarshaler(nullptr, &unk))) return nullptr;
    IMarshal* m = nullptr;
    if (FAILED(unk->QueryInterface(IID_IMarshal, reinterpret_cast<void**>(&m)))) m = nullptr;
    unk->Release();
    return m;
  }();
  return ftm;
}

// The IMarshal of one loaded library or type info (a tear-off: its
// IUnknown is the owner's).
class by_value_marshal final : public IMarshal {
 public:
  by_value_marshal(IUnknown* owner, const type_lib& lib, std::int32_t index, bool twin)
      : owner_(owner), lib_(lib), index_(index), twin_(twin) {
    owner_->AddRef();
  }
  ~by_value_marshal() { owner_->Release(); }

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    if (IsEqualIID(riid, IID_IMarshal)) {
      *ppv = static_cast<IMarshal*>(this);
      AddRef();
      return S_OK;
    }
    return owner_->QueryInterface(riid, ppv);
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return refs_.fetch_add(1, std::memory_order_relaxed) + 1; }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG left = refs_.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if (left == 0) delete this;
    return left;
  }

  HRESULT STDMETHODCALLTYPE GetUnmarshalClass(REFIID riid, void* pv, DWORD dest, void* ctx, DWORD flags, CLSID* out) override {
    if (!out) return E_INVALIDARG;
    if (in_process(dest)) return shared_ftm() ? shared_ftm()->GetUnmarshalClass(riid, pv, dest, ctx, flags, out) : E_OUTOFMEMORY;
    *out = CLSID_ComkitTypeLibMarshal;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetMarshalSizeMax(REFIID riid, void* pv, DWORD dest, void* ctx, DWORD flags, DWORD* size) override {
    if (!size) return E_INVALIDARG;
    if (in_process(dest)) return shared_ftm() ? shared_ftm()->GetMarshalSizeMax(riid, pv, dest, ctx, flags, size) : E_OUTOFMEMORY;
    if (const HRESULT hr = make_image(); FAILED(hr)) return hr;
    *size = header_bytes + static_cast<DWORD>(image_.size());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE MarshalInterface(IStream* stm, REFIID riid, void* pv, DWORD dest, void* ctx, DWORD flags) override {
    if (!stm) return E_INVALIDARG;
    if (in_process(dest)) return shared_ftm() ? shared_ftm()->MarshalInterface(stm, riid, pv, dest, ctx, flags) : E_OUTOFMEMORY;
    if (const HRESULT hr = make_image(); FAILED(hr)) return hr;
    unsigned char header[header_bytes];
    const std::uint32_t size = static_cast<std::uint32_t>(image_.size());
    std::memcpy(header, &magic, 4);
    std::memcpy(header + 4, &version, 4);
    std::memcpy(header + 8, &index_, 4);
    header[12] = twin_ ? 1 : 0;
    std::memcpy(header + 13, &size, 4);
    if (const HRESULT hr = stm->Write(header, sizeof header, nullptr); FAILED(hr)) return hr;
    return stm->Write(image_.data(), size, nullptr);
  }
  HRESULT STDMETHODCALLTYPE UnmarshalInterface(IStream*, REFIID, void** ppv) override {
    if (ppv) *ppv = nullptr;
    return E_UNEXPECTED;  // the unmarshaler (below) reads this object's data
  }
  HRESULT STDMETHODCALLTYPE ReleaseMarshalData(IStream*) override { return E_UNEXPECTED; }
  HRESULT STDMETHODCALLTYPE DisconnectObject(DWORD) override { return S_OK; }  // a copy has nothing to disconnect

 private:
  // The library's image, written once for this tear-off (CoMarshalInterface
  // asks its size, then its data).
  HRESULT make_image() {
    std::call_once(image_once_, [this] {
      image_hr_ = typelib_image(lib_, image_);
      if (SUCCEEDED(image_hr_) && image_.size() > max_image_bytes) image_hr_ = TYPE_E_SIZETOOBIG;
    });
    return image_hr_;
  }

  std::atomic<ULONG> refs_{1};
  IUnknown* owner_;
  const type_lib& lib_;  // the owner's, alive while it is
  std::int32_t index_;
  bool twin_;
  std::once_flag image_once_;
  std::vector<std::uint8_t> image_;  // written by make_image only
  HRESULT image_hr_ = E_UNEXPECTED;
};

// CLSID_ComkitTypeLibMarshal's objects: read the copy.
class unmarshaler final : public counted_object<unmarshaler, IMarshal, IID_IMarshal> {
 public:
  HRESULT STDMETHODCALLTYPE GetUnmarshalClass(REFIID, void*, DWORD, void*, DWORD, CLSID*) override { return E_UNEXPECTED; }
  HRESULT STDMETHODCALLTYPE GetMarshalSizeMax(REFIID, void*, DWORD, void*, DWORD, DWORD*) override { return E_UNEXPECTED; }
  HRESULT STDMETHODCALLTYPE MarshalInterface(IStream*, REFIID, void*, DWORD, void*, DWORD) override { return E_UNEXPECTED; }
  HRESULT STDMETHODCALLTYPE UnmarshalInterface(IStream* stm, REFIID riid, void** ppv) override {
    if (!ppv) return E_INVALIDARG;
    *ppv = nullptr;
    if (!stm) return E_INVALIDARG;
    std::int32_t index = 0;
    bool twin = false;
    std::vector<std::uint8_t> image;
    if (const HRESULT hr = read(stm, index, twin, &image); FAILED(hr)) return hr;
    ITypeLib* lib = nullptr;
    if (const HRESULT hr = ComkitLoadTypeLibFromMemory(image.data(), image.size(), &lib); FAILED(hr)) return hr;
    HRESULT hr = S_OK;
    if (index < 0) {
      hr = lib->QueryInterface(riid, ppv);
    } else {
      ITypeInfo* ti = nullptr;
      hr = lib->GetTypeInfo(static_cast<UINT>(index), &ti);
      if (SUCCEEDED(hr) && twin) {
        ITypeInfo* view = nullptr;
        hr = ti->GetRefTypeInfo(dual_twin_href, &view);
        ti->Release();
        ti = SUCCEEDED(hr) ? view : nullptr;
      }
      if (SUCCEEDED(hr)) {
        hr = ti->QueryInterface(riid, ppv);
        ti->Release();
      }
    }
    lib->Release();
    return hr;
  }
  HRESULT STDMETHODCALLTYPE ReleaseMarshalData(IStream* stm) override {
    if (!stm) return E_INVALIDARG;
    std::int32_t index = 0;
    bool twin = false;
    return read(stm, index, twin, nullptr);  // a copy holds nothing: only its bytes are passed over
  }
  HRESULT STDMETHODCALLTYPE DisconnectObject(DWORD) override { return S_OK; }

 private:
  // The header, and the image (or past it).
  static HRESULT read(IStream* stm, std::int32_t& index, bool& twin, std::vector<std::uint8_t>* image) {
    unsigned char header[header_bytes];
    if (const HRESULT hr = read_exact(stm, header, sizeof header); FAILED(hr)) return hr;
    std::uint32_t m = 0, v = 0, size = 0;
    std::memcpy(&m, header, 4);
    std::memcpy(&v, header + 4, 4);
    std::memcpy(&index, header + 8, 4);
    std::memcpy(&size, header + 13, 4);
    twin = header[12] != 0;
    if (m != magic || v != version || header[12] > 1 || size > max_image_bytes || index < -1) return E_INVALIDARG;
    // Read in pieces: memory grows only as the bytes arrive, whatever
    // size the header claims.
    std::vector<std::uint8_t> scratch;
    std::vector<std::uint8_t>& into = image ? *image : scratch;
    constexpr std::uint32_t piece = 64u << 10;
    try {
      into.clear();
      for (std::uint32_t done = 0; done < size;) {
        const std::uint32_t n = std::min(piece, size - done);
        if (!image) into.clear();
        const std::size_t at = into.size();
        into.resize(at + n);
        if (const HRESULT hr = read_exact(stm, into.data() + at, n); FAILED(hr)) return hr;
        done += n;
      }
    } catch (const std::bad_alloc&) {
      return E_OUTOFMEMORY;
    }
    return S_OK;
  }
};


}  // namespace

HRESULT typelib_marshaler(IUnknown* owner, const type_lib& lib, std::int32_t index, bool twin, void** ppv) noexcept {
  auto* m = new (std::nothrow) by_value_marshal(owner, lib, index, twin);
  if (!m) {
    *ppv = nullptr;
    return E_OUTOFMEMORY;
  }
  *ppv = static_cast<IMarshal*>(m);
  return S_OK;
}

HRESULT make_typelib_unmarshaler(IUnknown* outer, REFIID riid, void** ppv) noexcept {
  if (outer) return CLASS_E_NOAGGREGATION;
  auto* u = new (std::nothrow) unmarshaler;
  if (!u) return E_OUTOFMEMORY;
  const HRESULT hr = u->QueryInterface(riid, ppv);
  u->Release();
  return hr;
}

}  // namespace comkit::rt
