// fuzz/objref_fuzzer.cpp - libFuzzer target over marshal streams, which are
// untrusted input (they come from other apartments and, with local servers,
// other processes). Each input is unmarshalled and released through the
// public API, in the MTA, beside one live exported object. When bit 15 of
// the STDOBJREF's flags is set, the input's STDOBJREF is pointed at that object (its OXID, OID
// and IPID spliced in), so the exporter's bookkeeping is fuzzed too, not only
// the decoder. Checked: success comes with a pointer, and the live object's
// reference count is back to one after every input. Replayed by CTest.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <objbase.h>

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

struct object final : IPersist {
  ULONG refs = 1;
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IPersist)) {
      *ppv = this;
      ++refs;
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
  HRESULT STDMETHODCALLTYPE GetClassID(CLSID* id) override {
    *id = GUID_NULL;
    return S_OK;
  }
};

IStream* stream_of(const std::uint8_t* data, std::size_t size) {
  IStream* s = nullptr;
  require(CreateStreamOnHGlobal(nullptr, TRUE, &s) == S_OK);
  if (size) require(s->Write(data, static_cast<ULONG>(size), nullptr) == S_OK);
  LARGE_INTEGER zero{};
  s->Seek(zero, STREAM_SEEK_SET, nullptr);
  return s;
}

std::vector<std::uint8_t> bytes_of(IStream* s) {
  HGLOBAL h = nullptr;
  require(GetHGlobalFromStream(s, &h) == S_OK);
  const auto* p = static_cast<const std::uint8_t*>(GlobalLock(h));
  std::vector<std::uint8_t> out(p, p + GlobalSize(h));
  GlobalUnlock(h);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool initialised = CoInitializeEx(nullptr, COINIT_MULTITHREADED) == S_OK;
  require(initialised);
  object live;
  IStream* own = stream_of(nullptr, 0);
  require(CoMarshalInterface(own, IID_IPersist, &live, MSHCTX_INPROC, nullptr, MSHLFLAGS_TABLESTRONG) == S_OK);
  std::vector<std::uint8_t> input(data, data + size);
  if (size >= 68 && (data[25] & 0x80)) {
    const std::vector<std::uint8_t> real = bytes_of(own);
    std::memcpy(input.data() + 32, real.data() + 32, 36);  // OXID, OID, IPID
  }
  for (int pass = 0; pass < 2; ++pass) {
    IStream* s = stream_of(input.data(), input.size());
    if (pass == 0) {
      void* p = nullptr;
      const HRESULT hr = CoUnmarshalInterface(s, IID_IUnknown, &p);
      require(SUCCEEDED(hr) == (p != nullptr));
      if (p) static_cast<IUnknown*>(p)->Release();
    } else {
      CoReleaseMarshalData(s);
    }
    s->Release();
  }
  LARGE_INTEGER zero{};
  own->Seek(zero, STREAM_SEEK_SET, nullptr);
  CoReleaseMarshalData(own);  // may already be gone, released by the input
  own->Release();
  CoDisconnectObject(&live, 0);
  require(live.refs == 1);
  return 0;
}
