// examples/calculator/server.cpp - the calculator as an in-process COM server
// (libcalculator.so): the component is calculator_impl.h; this line exports
// DllGetClassObject, DllCanUnloadNow, DllRegisterServer and
// DllUnregisterServer for it.
#include "calculator_impl.h"

COMKIT_SERVER_EXPORTS(example::calculator)
