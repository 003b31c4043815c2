// Must not compile: misuses of the C++ projection (COMKIT_FAIL selects which;
// 0 is the control that must compile).
#if COMKIT_FAIL != 7
#include <comkit/comkit.h>
#else
#include <comkit/implements.h>  // not comkit.h, which includes events.h
#endif

struct IOne : IUnknown {
  virtual HRESULT STDMETHODCALLTYPE One() = 0;
};
COMKIT_DECLARE_IID(IOne, "0F0E0D0C-0B0A-4908-8706-050403020100")
struct ITwo : IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Two() = 0;
};
struct not_an_interface {};

#if COMKIT_FAIL == 0
struct ok_class : comkit::implements<ok_class, IOne> {
  HRESULT STDMETHODCALLTYPE One() noexcept override { return S_OK; }
};
void use(comkit::com_ptr<IOne> p) { (void)p.as<IUnknown>(); }
constexpr comkit::clsid some_class(comkit::make_guid("0F0E0D0C-0B0A-4908-8706-050403020101"));
void create() { (void)comkit::create_instance<IOne>(some_class); }  // a clsid (or a GUID) is fine
#elif COMKIT_FAIL == 1  // expect: static assertion failed: implements<>: an interface is listed twice
struct twice : comkit::implements<twice, IOne, IOne> {  // duplicate interface
  HRESULT STDMETHODCALLTYPE One() noexcept override { return S_OK; }
};
void use() { (void)comkit::make<twice>(); }
#elif COMKIT_FAIL == 2  // expect: static assertion failed: as<J>\(\) needs an interface with an IID
void use(comkit::com_ptr<IOne> p) { (void)p.as<not_an_interface>(); }  // as<> on a non-interface
#elif COMKIT_FAIL == 3  // expect: static assertion failed: as<J>\(\) needs an interface with an IID
void use(comkit::com_ptr<IOne> p) { (void)p.as<ITwo>(); }  // an interface without an IID
#elif COMKIT_FAIL == 4  // expect: static assertion failed: implements<>: every interface needs an IID
struct no_iid : comkit::implements<no_iid, ITwo> {  // implementing an interface without an IID
  HRESULT STDMETHODCALLTYPE Two() noexcept override { return S_OK; }
};
void use() { (void)comkit::make<no_iid>(); }
#elif COMKIT_FAIL == 5  // expect: static assertion failed: implements<>: IUnknown is implied
struct with_unknown : comkit::implements<with_unknown, IUnknown, IOne> {  // IUnknown is implied
  HRESULT STDMETHODCALLTYPE One() noexcept override { return S_OK; }
};
void use() { (void)comkit::make<with_unknown>(); }
#elif COMKIT_FAIL == 6  // expect: use of deleted function
void use() { (void)comkit::create_instance<IOne>(comkit::iid_of<IOne>()); }  // an IID where a CLSID belongs
#elif COMKIT_FAIL == 7  // expect: its produce<> is not defined here
// IConnectionPointContainer is produced in every translation unit (one
// layout for the class everywhere); without <comkit/events.h> that is an error,
// not a silently different class.
#include <comkit/abi/ocidl.h>
struct source : comkit::implements<source, IOne, IConnectionPointContainer> {
  HRESULT STDMETHODCALLTYPE One() noexcept override { return S_OK; }
};
void use() { (void)comkit::make<source>(); }
#elif COMKIT_FAIL == 8  // expect: named arguments go after the positional ones
void use(comkit::dispatch d) { (void)d.call("Scale", comkit::named("factor", 4), 1.5); }  // would bind 4 to x
#elif COMKIT_FAIL == 9  // expect: invoke by DISPID takes positional arguments only
void use(comkit::dispatch d) { (void)d.invoke(1, DISPATCH_METHOD, comkit::named("x", 1)); }
#elif COMKIT_FAIL == 10  // expect: put takes index arguments and the value, none of them named
void use(comkit::dispatch d) { d.put("Item", comkit::named("Index", 1), 5); }
#endif
int main() { return 0; }
