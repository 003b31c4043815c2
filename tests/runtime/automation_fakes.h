// tests/runtime/automation_fakes.h - counting fakes for the automation
// tests: an IUnknown whose reference count the test can read, and an
// IRecordInfo that counts the calls the runtime makes on it.
#ifndef COMKIT_TESTS_AUTOMATION_FAKES_H
#define COMKIT_TESTS_AUTOMATION_FAKES_H

#include <oleauto.h>

#include <cstring>

namespace comkit_test {

struct counted_unknown : IUnknown {
  ULONG refs = 1;
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (riid == IID_IUnknown) {
      *ppv = this;
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
};

// A record of two LONGs; Copy copies them, Clear zeroes them.
struct counted_record_info : IRecordInfo {
  ULONG refs = 1;
  int get_size = 0, record_copy = 0, record_clear = 0;
  ULONG size = 8;
  HRESULT size_result = S_OK;

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (riid == IID_IUnknown || riid == IID_IRecordInfo) {
      *ppv = this;
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
  HRESULT STDMETHODCALLTYPE RecordInit(PVOID pvNew) override {
    std::memset(pvNew, 0, size);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE RecordClear(PVOID pvExisting) override {
    ++record_clear;
    std::memset(pvExisting, 0, size);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE RecordCopy(PVOID pvExisting, PVOID pvNew) override {
    ++record_copy;
    std::memcpy(pvNew, pvExisting, size);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetGuid(GUID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetName(BSTR*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetSize(ULONG* pcbSize) override {
    ++get_size;
    *pcbSize = size;
    return size_result;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(ITypeInfo**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetField(PVOID, LPCOLESTR, VARIANT*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetFieldNoCopy(PVOID, LPCOLESTR, VARIANT*, PVOID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE PutField(ULONG, PVOID, LPCOLESTR, VARIANT*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE PutFieldNoCopy(ULONG, PVOID, LPCOLESTR, VARIANT*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetFieldNames(ULONG*, BSTR*) override { return E_NOTIMPL; }
  BOOL STDMETHODCALLTYPE IsMatchingType(IRecordInfo*) override { return FALSE; }
  PVOID STDMETHODCALLTYPE RecordCreate() override { return nullptr; }
  HRESULT STDMETHODCALLTYPE RecordCreateCopy(PVOID, PVOID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE RecordDestroy(PVOID) override { return E_NOTIMPL; }
};

}  // namespace comkit_test

#endif  // COMKIT_TESTS_AUTOMATION_FAKES_H
