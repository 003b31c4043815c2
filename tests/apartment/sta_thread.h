// tests/apartment/sta_thread.h - an STA thread for tests: it serves its
// apartment's calls until destroyed, and runs code in its apartment on request.
#ifndef COMKIT_TESTS_APARTMENT_STA_THREAD_H
#define COMKIT_TESTS_APARTMENT_STA_THREAD_H

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include <objbase.h>
#include <windows.h>

namespace comkit_test {

// An STA thread that serves calls until destroyed; run_on runs code in it.
class sta_thread {
 public:
  sta_thread() {
    using namespace std::chrono_literals;
    thread_ = std::thread([this] {
      EXPECT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
      MSG m;
      PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE);
      tid_ = GetCurrentThreadId();
      while (GetMessageW(&m, nullptr, 0, 0) > 0) {
        if (m.message == WM_APP) {
          (*reinterpret_cast<std::function<void()>*>(m.lParam))();
          SetEvent(reinterpret_cast<HANDLE>(m.wParam));
        }
        DispatchMessageW(&m);
      }
      CoUninitialize();
    });
    while (!tid_) std::this_thread::sleep_for(1ms);
  }
  ~sta_thread() {
    PostThreadMessageW(tid_, WM_QUIT, 0, 0);
    thread_.join();
  }
  DWORD tid() const { return tid_; }
  void run_on(std::function<void()> f) {
    HANDLE done = CreateEventW(nullptr, FALSE, FALSE, nullptr);
    PostThreadMessageW(tid_, WM_APP, reinterpret_cast<WPARAM>(done), reinterpret_cast<LPARAM>(&f));
    WaitForSingleObject(done, INFINITE);
    CloseHandle(done);
  }
  // `object` marshalled as iid in the STA, unmarshalled in the caller's apartment.
  HRESULT proxy(IUnknown* object, const IID& iid, void** out) {
    IStream* stream = nullptr;
    HRESULT hr = S_OK;
    run_on([&] { hr = CoMarshalInterThreadInterfaceInStream(iid, object, &stream); });
    if (FAILED(hr)) return hr;
    return CoGetInterfaceAndReleaseStream(stream, iid, out);
  }

 private:
  std::thread thread_;
  std::atomic<DWORD> tid_{0};
};

}  // namespace comkit_test

#endif  // COMKIT_TESTS_APARTMENT_STA_THREAD_H
