// runtime/marshal/security.cpp - CoInitializeSecurity and proxy blankets
// (CoQueryProxyBlanket, CoSetProxyBlanket, CoCopyProxy, which go through a
// proxy's IClientSecurity, in rpc.cpp).
//
// Within one process comkit enforces nothing: the values are kept and
// reported, so code written for Windows (which calls these right after
// CoInitializeEx) runs unchanged. Cross-process calls (local servers) will
// read the process defaults from here.
#include <atomic>
#include <mutex>

#include "marshal/marshal_internal.h"
#include "runtime_internal.h"

namespace comkit::rt {
namespace {

// Set by CoInitializeSecurity, or by the first marshal or unmarshal (which
// fixes the defaults as they are).
std::atomic<bool> g_fixed{false};
std::mutex g_defaults_lock;
blanket g_defaults;  // guarded by g_defaults_lock

bool valid_levels(DWORD authn_level, DWORD imp_level) noexcept {
  return authn_level <= RPC_C_AUTHN_LEVEL_PKT_PRIVACY && imp_level <= RPC_C_IMP_LEVEL_DELEGATE;
}

}  // namespace

void security_fix_defaults() noexcept {
  if (!g_fixed.load(std::memory_order_relaxed)) g_fixed.store(true, std::memory_order_release);  // one load per marshal
}

blanket security_defaults() noexcept {
  std::lock_guard g(g_defaults_lock);
  return g_defaults;
}

HRESULT blanket_set(blanket& b, DWORD authn_svc, DWORD authz_svc, DWORD authn_level, DWORD imp_level,
                    DWORD capabilities) noexcept {
  if (!valid_levels(authn_level, imp_level)) return E_INVALIDARG;
  const blanket d = security_defaults();
  b.authn_svc = authn_svc == static_cast<DWORD>(RPC_C_AUTHN_DEFAULT) ? d.authn_svc : authn_svc;
  b.authz_svc = authz_svc == static_cast<DWORD>(RPC_C_AUTHZ_DEFAULT) ? d.authz_svc : authz_svc;
  b.authn_level = authn_level == RPC_C_AUTHN_LEVEL_DEFAULT ? d.authn_level : authn_level;
  b.imp_level = imp_level == RPC_C_IMP_LEVEL_DEFAULT ? d.imp_level : imp_level;
  b.capabilities = capabilities == EOAC_DEFAULT ? d.capabilities : capabilities;
  return S_OK;
}

}  // namespace comkit::rt

using namespace comkit::rt;

HRESULT STDAPICALLTYPE CoInitializeSecurity(PSECURITY_DESCRIPTOR, LONG cAuthSvc, SOLE_AUTHENTICATION_SERVICE* asAuthSvc,
                                            void*, DWORD dwAuthnLevel, DWORD dwImpLevel, void*, DWORD dwCapabilities,
                                            void*) {
  if (cAuthSvc < -1 || (cAuthSvc == -1 && asAuthSvc) || (cAuthSvc > 0 && !asAuthSvc)) return E_INVALIDARG;
  if (!valid_levels(dwAuthnLevel, dwImpLevel)) return E_INVALIDARG;
  if (g_fixed.exchange(true, std::memory_order_acq_rel)) return RPC_E_TOO_LATE;
  std::lock_guard g(g_defaults_lock);
  if (dwAuthnLevel != RPC_C_AUTHN_LEVEL_DEFAULT) g_defaults.authn_level = dwAuthnLevel;
  if (dwImpLevel != RPC_C_IMP_LEVEL_DEFAULT) g_defaults.imp_level = dwImpLevel;
  g_defaults.capabilities = dwCapabilities & ~DWORD{EOAC_APPID | EOAC_ACCESS_CONTROL};
  for (LONG k = 0; k < cAuthSvc; ++k) asAuthSvc[k].hr = S_OK;
  return S_OK;
}

HRESULT STDAPICALLTYPE CoQueryProxyBlanket(IUnknown* pProxy, DWORD* pwAuthnSvc, DWORD* pAuthzSvc,
                                           LPOLESTR* pServerPrincName, DWORD* pAuthnLevel, DWORD* pImpLevel,
                                           RPC_AUTH_IDENTITY_HANDLE* pAuthInfo, DWORD* pCapabilites) {
  if (!pProxy) return E_INVALIDARG;
  IClientSecurity* security = nullptr;
  HRESULT hr = pProxy->QueryInterface(IID_IClientSecurity, reinterpret_cast<void**>(&security));
  if (FAILED(hr)) return hr;
  hr = security->QueryBlanket(pProxy, pwAuthnSvc, pAuthzSvc, pServerPrincName, pAuthnLevel, pImpLevel, pAuthInfo,
                              pCapabilites);
  security->Release();
  return hr;
}

HRESULT STDAPICALLTYPE CoSetProxyBlanket(IUnknown* pProxy, DWORD dwAuthnSvc, DWORD dwAuthzSvc,
                                         OLECHAR* pServerPrincName, DWORD dwAuthnLevel, DWORD dwImpLevel,
                                         RPC_AUTH_IDENTITY_HANDLE pAuthInfo, DWORD dwCapabilities) {
  if (!pProxy) return E_INVALIDARG;
  IClientSecurity* security = nullptr;
  HRESULT hr = pProxy->QueryInterface(IID_IClientSecurity, reinterpret_cast<void**>(&security));
  if (FAILED(hr)) return hr;
  hr = security->SetBlanket(pProxy, dwAuthnSvc, dwAuthzSvc, pServerPrincName, dwAuthnLevel, dwImpLevel, pAuthInfo,
                            dwCapabilities);
  security->Release();
  return hr;
}

HRESULT STDAPICALLTYPE CoCopyProxy(IUnknown* pProxy, IUnknown** ppCopy) {
  if (ppCopy) *ppCopy = nullptr;
  if (!pProxy || !ppCopy) return E_INVALIDARG;
  IClientSecurity* security = nullptr;
  HRESULT hr = pProxy->QueryInterface(IID_IClientSecurity, reinterpret_cast<void**>(&security));
  if (FAILED(hr)) return hr;
  hr = security->CopyProxy(pProxy, ppCopy);
  security->Release();
  return hr;
}
