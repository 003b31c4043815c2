// Must not compile: guid_of<> on a type without an IID (COMKIT_FAIL selects).
#include <objbase.h>
#if COMKIT_FAIL == 0
const GUID& g = comkit::guid_of<IUnknown>();  // control
#elif COMKIT_FAIL == 1  // expect: no matching function for call to .*guid_of<int>
const GUID& g = comkit::guid_of<int>();  // not an interface
#elif COMKIT_FAIL == 2  // expect: no matching function for call to .*guid_of<IDerived>
struct IDerived : IUnknown {};
const GUID& g = comkit::guid_of<IDerived>();  // interface without its own IID
#endif
int main() { return static_cast<int>(g.Data1 & 1); }
