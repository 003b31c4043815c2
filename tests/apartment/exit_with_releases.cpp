// tests/apartment/exit_with_releases.cpp - a process that returns from main
// while the MTA's pool threads are still running proxies' last releases.
//
// A proxy manager's last release is sent home without waiting (release_work
// in rpc.cpp), so when the main thread returns, pool threads may still be
// inside the exporter while static destructors run. Before the runtime's
// global tables were made never-destroyed this raced with their destructors
// (TSan: data race on the exporter's map; ASan: use after free). Run as its
// own CTest test: any sanitizer report makes the exit status non-zero.
#include <objbase.h>

#include <cstdio>
#include <thread>
#include <vector>

namespace {

constexpr int objects = 64;

int fail(const char* what, HRESULT hr) {
  std::fprintf(stderr, "exit_with_releases: %s failed: 0x%08lx\n", what, static_cast<unsigned long>(hr));
  return 1;
}

}  // namespace

int main() {
  // The MTA outlives its one thread through a usage count, so the objects
  // it exports stay exported while the main STA holds proxies to them.
  CO_MTA_USAGE_COOKIE usage = nullptr;
  if (HRESULT hr = CoIncrementMTAUsage(&usage); FAILED(hr)) return fail("CoIncrementMTAUsage", hr);

  std::vector<IStream*> marshalled(objects, nullptr);
  HRESULT host_hr = S_OK;
  std::thread([&] {
    host_hr = CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    if (FAILED(host_hr)) return;
    for (IStream*& s : marshalled) {
      IStream* object = nullptr;  // an MTA object: a memory stream
      host_hr = CreateStreamOnHGlobal(nullptr, TRUE, &object);
      if (FAILED(host_hr)) break;
      host_hr = CoMarshalInterThreadInterfaceInStream(IID_IStream, object, &s);
      object->Release();  // the marshal holds the object now
      if (FAILED(host_hr)) break;
    }
    CoUninitialize();
  }).join();
  if (FAILED(host_hr)) return fail("the MTA host", host_hr);

  if (HRESULT hr = CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED); FAILED(hr)) return fail("CoInitializeEx", hr);
  std::vector<IStream*> proxies;
  for (IStream* s : marshalled) {
    IStream* proxy = nullptr;
    if (HRESULT hr = CoGetInterfaceAndReleaseStream(s, IID_IStream, reinterpret_cast<void**>(&proxy)); FAILED(hr))
      return fail("CoGetInterfaceAndReleaseStream", hr);
    proxies.push_back(proxy);
  }
  // Each last release posts a release to the MTA and returns at once; the
  // process then exits with those releases still queued or running.
  for (IStream* p : proxies) p->Release();
  return 0;
}
