// runtime/hresult/hresult.cpp - the message catalogue (ComkitHResultMessage,
// ComkitHResultName) and the errno mapping (ComkitHResultFromErrno).
//
// The texts are Windows' standard English system messages for each code (as
// FormatMessage returns them, without the trailing CR LF). Codes in
// FACILITY_WIN32 take the text of their Win32 error, so the E_ entries that
// live there carry no text of their own. The table is sorted at compile time
// and searched by binary search.
#include <algorithm>
#include <array>
#include <cerrno>

#include <comkit/abi/extensions.h>

namespace comkit::rt {
namespace {

struct entry {
  std::uint32_t code;
  int rank;  // among equal codes, 0 (the HRESULT name) sorts before 1 (the Win32 name)
  const char* name;
  const char* text;  // nullptr: same code's other entry has it
};

constexpr std::uint32_t win32(std::uint32_t e) { return e == 0 ? 0 : (e & 0xFFFF) | 0x80070000u; }

#define COMKIT_IMPL_HR_ENTRY(name, text) entry{static_cast<std::uint32_t>(name), 0, #name, text}
#define COMKIT_IMPL_W32_ENTRY(name, text) entry{win32(name), 1, #name, text}

constexpr entry unsorted[] = {
    // Success codes.
    COMKIT_IMPL_HR_ENTRY(S_OK, nullptr),
    COMKIT_IMPL_HR_ENTRY(S_FALSE, nullptr),
    COMKIT_IMPL_HR_ENTRY(CO_S_NOTALLINTERFACES, "Not all the requested interfaces were available"),
    COMKIT_IMPL_HR_ENTRY(OLE_S_USEREG, "Use the registry database to provide the requested information"),
    COMKIT_IMPL_HR_ENTRY(OLE_S_STATIC, "Success, but static"),
    COMKIT_IMPL_HR_ENTRY(STG_S_CONVERTED, "The underlying file was converted to compound file format."),

    // Generic errors.
    COMKIT_IMPL_HR_ENTRY(E_UNEXPECTED, "Catastrophic failure"),
    COMKIT_IMPL_HR_ENTRY(E_NOTIMPL, "Not implemented"),
    COMKIT_IMPL_HR_ENTRY(E_OUTOFMEMORY, nullptr),
    COMKIT_IMPL_HR_ENTRY(E_INVALIDARG, nullptr),
    COMKIT_IMPL_HR_ENTRY(E_NOINTERFACE, "No such interface supported"),
    COMKIT_IMPL_HR_ENTRY(E_POINTER, "Invalid pointer"),
    COMKIT_IMPL_HR_ENTRY(E_HANDLE, nullptr),
    COMKIT_IMPL_HR_ENTRY(E_ABORT, "Operation aborted"),
    COMKIT_IMPL_HR_ENTRY(E_FAIL, "Unspecified error"),
    COMKIT_IMPL_HR_ENTRY(E_ACCESSDENIED, nullptr),
    COMKIT_IMPL_HR_ENTRY(E_PENDING, "The data necessary to complete this operation is not yet available."),
    COMKIT_IMPL_HR_ENTRY(E_BOUNDS, "The operation attempted to access data outside the valid range"),
    COMKIT_IMPL_HR_ENTRY(E_CHANGED_STATE,
                         "A concurrent or interleaved operation changed the state of the object, invalidating this "
                         "operation."),
    COMKIT_IMPL_HR_ENTRY(E_ILLEGAL_STATE_CHANGE, "An illegal state change was requested."),
    COMKIT_IMPL_HR_ENTRY(E_ILLEGAL_METHOD_CALL, "A method was called at an unexpected time."),
    COMKIT_IMPL_HR_ENTRY(E_NOT_SET, nullptr),
    COMKIT_IMPL_HR_ENTRY(E_NOT_VALID_STATE, nullptr),
    COMKIT_IMPL_HR_ENTRY(E_NOT_SUFFICIENT_BUFFER, nullptr),

    // COM initialisation and activation.
    COMKIT_IMPL_HR_ENTRY(CO_E_INIT_TLS, "Thread local storage failure"),
    COMKIT_IMPL_HR_ENTRY(CO_E_INIT_SHARED_ALLOCATOR, "Get shared memory allocator failure"),
    COMKIT_IMPL_HR_ENTRY(CO_E_INIT_MEMORY_ALLOCATOR, "Get memory allocator failure"),
    COMKIT_IMPL_HR_ENTRY(CO_E_INIT_CLASS_CACHE, "Unable to initialize class cache"),
    COMKIT_IMPL_HR_ENTRY(CO_E_INIT_RPC_CHANNEL, "Unable to initialize RPC services"),
    COMKIT_IMPL_HR_ENTRY(CO_E_NOT_SUPPORTED, "The requested operation is not supported."),
    COMKIT_IMPL_HR_ENTRY(CO_E_RELOAD_DLL, "A dll must be loaded."),
    COMKIT_IMPL_HR_ENTRY(CO_E_NOTINITIALIZED, "CoInitialize has not been called."),
    COMKIT_IMPL_HR_ENTRY(CO_E_ALREADYINITIALIZED, "CoInitialize has already been called."),
    COMKIT_IMPL_HR_ENTRY(CO_E_CANTDETERMINECLASS, "Class of object cannot be determined"),
    COMKIT_IMPL_HR_ENTRY(CO_E_CLASSSTRING, "Invalid class string"),
    COMKIT_IMPL_HR_ENTRY(CO_E_IIDSTRING, "Invalid interface string"),
    COMKIT_IMPL_HR_ENTRY(CO_E_APPNOTFOUND, "Application not found"),
    COMKIT_IMPL_HR_ENTRY(CO_E_APPSINGLEUSE, "Application cannot be run more than once"),
    COMKIT_IMPL_HR_ENTRY(CO_E_ERRORINAPP, "Some error in application program"),
    COMKIT_IMPL_HR_ENTRY(CO_E_DLLNOTFOUND, "DLL for class not found"),
    COMKIT_IMPL_HR_ENTRY(CO_E_ERRORINDLL, "Error in the DLL"),
    COMKIT_IMPL_HR_ENTRY(CO_E_WRONGOSFORAPP, "Wrong operating system or operating system version for the application"),
    COMKIT_IMPL_HR_ENTRY(CO_E_OBJNOTREG, "Object is not registered"),
    COMKIT_IMPL_HR_ENTRY(CO_E_OBJISREG, "Object is already registered"),
    COMKIT_IMPL_HR_ENTRY(CO_E_OBJNOTCONNECTED, "Object is not connected to server"),
    COMKIT_IMPL_HR_ENTRY(CO_E_APPDIDNTREG, "Application was launched but it didn't register a class factory"),
    COMKIT_IMPL_HR_ENTRY(CO_E_RELEASED, "Object has been released"),
    COMKIT_IMPL_HR_ENTRY(CO_E_CLASS_CREATE_FAILED, "Attempt to create a class object failed"),
    COMKIT_IMPL_HR_ENTRY(CO_E_SCM_ERROR, "OLE service could not bind object"),
    COMKIT_IMPL_HR_ENTRY(CO_E_SCM_RPC_FAILURE, "RPC communication failed with OLE service"),
    COMKIT_IMPL_HR_ENTRY(CO_E_BAD_PATH, "Bad path to object"),
    COMKIT_IMPL_HR_ENTRY(CO_E_SERVER_EXEC_FAILURE, "Server execution failed"),
    COMKIT_IMPL_HR_ENTRY(CO_E_OBJSRV_RPC_FAILURE, "OLE service could not communicate with the object server"),
    COMKIT_IMPL_HR_ENTRY(CO_E_SERVER_STOPPING, "Object server is stopping when OLE service contacts it"),

    // Class factories and the registry.
    COMKIT_IMPL_HR_ENTRY(CLASS_E_NOAGGREGATION, "Class does not support aggregation (or class object is remote)"),
    COMKIT_IMPL_HR_ENTRY(CLASS_E_CLASSNOTAVAILABLE, "ClassFactory cannot supply requested class"),
    COMKIT_IMPL_HR_ENTRY(CLASS_E_NOTLICENSED, "Class is not licensed for use"),
    COMKIT_IMPL_HR_ENTRY(CONNECT_E_NOCONNECTION, "No connection exists for this cookie"),
    COMKIT_IMPL_HR_ENTRY(CONNECT_E_ADVISELIMIT, "The connection point has reached its limit of connections"),
    COMKIT_IMPL_HR_ENTRY(CONNECT_E_CANNOTCONNECT, "The sink does not implement the connection point's interface"),
    COMKIT_IMPL_HR_ENTRY(CONNECT_E_OVERRIDDEN, "Connect through an interface derived from this one"),
    COMKIT_IMPL_HR_ENTRY(REGDB_E_READREGDB, "Could not read key from registry"),
    COMKIT_IMPL_HR_ENTRY(REGDB_E_WRITEREGDB, "Could not write key to registry"),
    COMKIT_IMPL_HR_ENTRY(REGDB_E_KEYMISSING, "Could not find the key in the registry"),
    COMKIT_IMPL_HR_ENTRY(REGDB_E_INVALIDVALUE, "Invalid value for registry"),
    COMKIT_IMPL_HR_ENTRY(REGDB_E_CLASSNOTREG, "Class not registered"),
    COMKIT_IMPL_HR_ENTRY(REGDB_E_IIDNOTREG, "Interface not registered"),
    COMKIT_IMPL_HR_ENTRY(REGDB_E_BADTHREADINGMODEL, "Threading model entry is not valid"),
    COMKIT_IMPL_HR_ENTRY(OLE_E_ENUM_NOMORE, "Can't enumerate any more, because the associated data is missing"),
    COMKIT_IMPL_HR_ENTRY(OLE_E_NOCONNECTION, "There is no connection for this connection ID"),
    COMKIT_IMPL_HR_ENTRY(OLE_E_NOTRUNNING, "Need to run the object to perform this operation"),

    // RPC, apartments and marshalling.
    COMKIT_IMPL_HR_ENTRY(RPC_E_CALL_REJECTED, "Call was rejected by callee."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CALL_CANCELED, "Call was canceled by the message filter."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CANTPOST_INSENDCALL,
                         "The caller is dispatching an intertask SendMessage call and cannot call out via "
                         "PostMessage."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CANTCALLOUT_INASYNCCALL,
                         "The caller is dispatching an asynchronous call and cannot make an outgoing call on behalf "
                         "of this call."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CANTCALLOUT_INEXTERNALCALL, "It is illegal to call out while inside message filter."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CONNECTION_TERMINATED,
                         "The connection terminated or is in a bogus state and cannot be used any more. Other "
                         "connections are still valid."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_SERVER_DIED,
                         "The callee (server [not server application]) is not available and disappeared; all "
                         "connections are invalid. The call may have executed."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CLIENT_DIED,
                         "The caller (client) disappeared while the callee (server) was processing a call."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_INVALID_DATAPACKET, "The data packet with the marshalled parameter data is incorrect."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CANTTRANSMIT_CALL,
                         "The call was not transmitted properly; the message queue was full and was not emptied "
                         "after yielding."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CLIENT_CANTMARSHAL_DATA,
                         "The client (caller) cannot marshall the parameter data - low memory, etc."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CLIENT_CANTUNMARSHAL_DATA,
                         "The client (caller) cannot unmarshall the return data - low memory, etc."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_SERVER_CANTMARSHAL_DATA,
                         "The server (callee) cannot marshall the return data - low memory, etc."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_SERVER_CANTUNMARSHAL_DATA,
                         "The server (callee) cannot unmarshall the parameter data - low memory, etc."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_INVALID_DATA, "Received data is invalid; could be server or client data."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_INVALID_PARAMETER, "A particular parameter is invalid and cannot be (un)marshalled."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CANTCALLOUT_AGAIN,
                         "There is no second outgoing call on same channel in DDE conversation."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_SERVER_DIED_DNE,
                         "The callee (server [not server application]) is not available and disappeared; all "
                         "connections are invalid. The call did not execute."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_SYS_CALL_FAILED, "System call failed."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_OUT_OF_RESOURCES, "Could not allocate some required resource (memory, events, ...)"),
    COMKIT_IMPL_HR_ENTRY(RPC_E_ATTEMPTED_MULTITHREAD,
                         "Attempted to make calls on more than one thread in single threaded mode."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_NOT_REGISTERED, "The requested interface is not registered on the server object."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_FAULT,
                         "RPC could not call the server or could not return the results of calling the server."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_SERVERFAULT, "The server threw an exception."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CHANGED_MODE, "Cannot change thread mode after it is set."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_INVALIDMETHOD, "The method called does not exist on the server."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_DISCONNECTED, "The object invoked has disconnected from its clients."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_RETRY, "The object invoked chose not to process the call now.  Try again later."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_SERVERCALL_RETRYLATER, "The message filter indicated that the application is busy."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_SERVERCALL_REJECTED, "The message filter rejected the call."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_INVALID_CALLDATA, "A call control interfaces was called with invalid data."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CANTCALLOUT_ININPUTSYNCCALL,
                         "An outgoing call cannot be made since the application is dispatching an input-synchronous "
                         "call."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_WRONG_THREAD,
                         "The application called an interface that was marshalled for a different thread."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_THREAD_NOT_INIT, "CoInitialize has not been called on the current thread."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_VERSION_MISMATCH, "The version of OLE on the client and server machines does not match."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_INVALID_HEADER, "OLE received a packet with an invalid header."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_INVALID_EXTENSION, "OLE received a packet with an invalid extension."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_INVALID_IPID, "The requested object or interface does not exist."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_INVALID_OBJECT, "The requested object does not exist."),
    COMKIT_IMPL_HR_ENTRY(RPC_S_CALLPENDING, "OLE has sent a request and is waiting for a reply."),
    COMKIT_IMPL_HR_ENTRY(RPC_S_WAITONTIMER, "OLE is waiting before retrying a request."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_CALL_COMPLETE, "Call context cannot be accessed after call completed."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_UNSECURE_CALL, "Impersonate on unsecure calls is not supported."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_TOO_LATE,
                         "Security must be initialized before any interfaces are marshalled or unmarshalled. It "
                         "cannot be changed once initialized."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_NO_GOOD_SECURITY_PACKAGES,
                         "No security packages are installed on this machine or the user is not logged on or there "
                         "are no compatible security packages between the client and server."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_ACCESS_DENIED, "Access is denied."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_REMOTE_DISABLED, "Remote calls are not allowed for this process."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_INVALID_OBJREF,
                         "The marshaled interface data packet (OBJREF) has an invalid or unknown format."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_NO_CONTEXT,
                         "No context is associated with this call. This happens for some custom marshalled calls "
                         "and on the client side of the call."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_TIMEOUT, "This operation returned because the timeout period expired."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_NO_SYNC, "There are no synchronize objects to wait on."),
    COMKIT_IMPL_HR_ENTRY(RPC_E_UNEXPECTED, "An internal error occurred."),

    // Automation.
    COMKIT_IMPL_HR_ENTRY(DISP_E_UNKNOWNINTERFACE, "Unknown interface."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_MEMBERNOTFOUND, "Member not found."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_PARAMNOTFOUND, "Parameter not found."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_TYPEMISMATCH, "Type mismatch."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_UNKNOWNNAME, "Unknown name."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_NONAMEDARGS, "No named arguments."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_BADVARTYPE, "Bad variable type."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_EXCEPTION, "Exception occurred."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_OVERFLOW, "Out of present range."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_BADINDEX, "Invalid index."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_UNKNOWNLCID, "Unknown language."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_ARRAYISLOCKED, "Memory is locked."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_BADPARAMCOUNT, "Invalid number of parameters."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_PARAMNOTOPTIONAL, "Parameter not optional."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_BADCALLEE, "Invalid callee."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_NOTACOLLECTION, "Does not support a collection."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_DIVBYZERO, "Division by zero."),
    COMKIT_IMPL_HR_ENTRY(DISP_E_BUFFERTOOSMALL, "Buffer too small"),

    // Type libraries.
    COMKIT_IMPL_HR_ENTRY(TYPE_E_BUFFERTOOSMALL, "Buffer too small."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_FIELDNOTFOUND, "Field name not defined in the record."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_INVDATAREAD, "Old format or invalid type library."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_UNSUPFORMAT, "Old format or invalid type library."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_REGISTRYACCESS, "Error accessing the OLE registry."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_LIBNOTREGISTERED, "Library not registered."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_UNDEFINEDTYPE, "Bound to unknown type."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_QUALIFIEDNAMEDISALLOWED, "Qualified name disallowed."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_INVALIDSTATE, "Invalid forward reference, or reference to uncompiled type."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_WRONGTYPEKIND, "Type mismatch."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_ELEMENTNOTFOUND, "Element not found."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_AMBIGUOUSNAME, "Ambiguous name."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_NAMECONFLICT, "Name already exists in the library."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_UNKNOWNLCID, "Unknown LCID."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_DLLFUNCTIONNOTFOUND, "Function not defined in specified DLL."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_BADMODULEKIND, "Wrong module kind for the operation."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_SIZETOOBIG, "Size may not exceed 64K."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_DUPLICATEID, "Duplicate ID in inheritance hierarchy."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_INVALIDID, "Incorrect inheritance depth in standard OLE hmember."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_TYPEMISMATCH, "Type mismatch."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_OUTOFBOUNDS, "Invalid number of arguments."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_IOERROR, "I/O Error."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_CANTCREATETMPFILE, "Error creating unique tmp file."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_CANTLOADLIBRARY, "Error loading type library/DLL."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_INCONSISTENTPROPFUNCS, "Inconsistent property functions."),
    COMKIT_IMPL_HR_ENTRY(TYPE_E_CIRCULARTYPE, "Circular dependency between types/modules."),

    // Structured storage.
    COMKIT_IMPL_HR_ENTRY(STG_E_INVALIDFUNCTION, "Unable to perform requested operation."),
    COMKIT_IMPL_HR_ENTRY(STG_E_FILENOTFOUND, "%1 could not be found."),
    COMKIT_IMPL_HR_ENTRY(STG_E_PATHNOTFOUND, "The path %1 could not be found."),
    COMKIT_IMPL_HR_ENTRY(STG_E_TOOMANYOPENFILES, "There are insufficient resources to open another file."),
    COMKIT_IMPL_HR_ENTRY(STG_E_ACCESSDENIED, "Access Denied."),
    COMKIT_IMPL_HR_ENTRY(STG_E_INVALIDHANDLE, "Attempted an operation on an invalid object."),
    COMKIT_IMPL_HR_ENTRY(STG_E_INSUFFICIENTMEMORY, "There is insufficient memory available to complete operation."),
    COMKIT_IMPL_HR_ENTRY(STG_E_INVALIDPOINTER, "Invalid pointer error."),
    COMKIT_IMPL_HR_ENTRY(STG_E_NOMOREFILES, "There are no more entries to return."),
    COMKIT_IMPL_HR_ENTRY(STG_E_DISKISWRITEPROTECTED, "Disk is write-protected."),
    COMKIT_IMPL_HR_ENTRY(STG_E_SEEKERROR, "An error occurred during a seek operation."),
    COMKIT_IMPL_HR_ENTRY(STG_E_WRITEFAULT, "A disk error occurred during a write operation."),
    COMKIT_IMPL_HR_ENTRY(STG_E_READFAULT, "A disk error occurred during a read operation."),
    COMKIT_IMPL_HR_ENTRY(STG_E_SHAREVIOLATION, "A share violation has occurred."),
    COMKIT_IMPL_HR_ENTRY(STG_E_LOCKVIOLATION, "A lock violation has occurred."),
    COMKIT_IMPL_HR_ENTRY(STG_E_FILEALREADYEXISTS, "%1 already exists."),
    COMKIT_IMPL_HR_ENTRY(STG_E_INVALIDPARAMETER, "Invalid parameter error."),
    COMKIT_IMPL_HR_ENTRY(STG_E_MEDIUMFULL, "There is insufficient disk space to complete operation."),
    COMKIT_IMPL_HR_ENTRY(STG_E_PROPSETMISMATCHED, "Illegal write of non-simple property to simple property set."),
    COMKIT_IMPL_HR_ENTRY(STG_E_ABNORMALAPIEXIT, "An API call exited abnormally."),
    COMKIT_IMPL_HR_ENTRY(STG_E_INVALIDHEADER, "The file %1 is not a valid compound file."),
    COMKIT_IMPL_HR_ENTRY(STG_E_INVALIDNAME, "The name %1 is not valid."),
    COMKIT_IMPL_HR_ENTRY(STG_E_UNKNOWN, "An unexpected error occurred."),
    COMKIT_IMPL_HR_ENTRY(STG_E_UNIMPLEMENTEDFUNCTION, "That function is not implemented."),
    COMKIT_IMPL_HR_ENTRY(STG_E_INVALIDFLAG, "Invalid flag error."),
    COMKIT_IMPL_HR_ENTRY(STG_E_INUSE, "Attempted to use an object that is busy."),
    COMKIT_IMPL_HR_ENTRY(STG_E_NOTCURRENT, "The storage has been changed since the last commit."),
    COMKIT_IMPL_HR_ENTRY(STG_E_REVERTED, "Attempted to use an object that has ceased to exist."),
    COMKIT_IMPL_HR_ENTRY(STG_E_CANTSAVE, "Can't save."),
    COMKIT_IMPL_HR_ENTRY(STG_E_OLDFORMAT, "The compound file %1 was produced with an incompatible version of storage."),
    COMKIT_IMPL_HR_ENTRY(STG_E_OLDDLL, "The compound file %1 was produced with a newer version of storage."),
    COMKIT_IMPL_HR_ENTRY(STG_E_SHAREREQUIRED, "Share.exe or equivalent is required for operation."),
    COMKIT_IMPL_HR_ENTRY(STG_E_NOTFILEBASEDSTORAGE, "Illegal operation called on non-file based storage."),
    COMKIT_IMPL_HR_ENTRY(STG_E_EXTANTMARSHALLINGS, "Illegal operation called on object with extant marshallings."),
    COMKIT_IMPL_HR_ENTRY(STG_E_DOCFILECORRUPT, "The docfile has been corrupted."),
    COMKIT_IMPL_HR_ENTRY(STG_E_BADBASEADDRESS, "OLE32.DLL has been loaded at the wrong address."),
    COMKIT_IMPL_HR_ENTRY(STG_E_INCOMPLETE, "The file download was aborted abnormally.  The file is incomplete."),
    COMKIT_IMPL_HR_ENTRY(STG_E_TERMINATED, "The file download has been terminated."),

    // Win32 errors (as HRESULT_FROM_WIN32).
    COMKIT_IMPL_W32_ENTRY(ERROR_SUCCESS, "The operation completed successfully."),
    COMKIT_IMPL_W32_ENTRY(ERROR_INVALID_FUNCTION, "Incorrect function."),
    COMKIT_IMPL_W32_ENTRY(ERROR_FILE_NOT_FOUND, "The system cannot find the file specified."),
    COMKIT_IMPL_W32_ENTRY(ERROR_PATH_NOT_FOUND, "The system cannot find the path specified."),
    COMKIT_IMPL_W32_ENTRY(ERROR_TOO_MANY_OPEN_FILES, "The system cannot open the file."),
    COMKIT_IMPL_W32_ENTRY(ERROR_ACCESS_DENIED, "Access is denied."),
    COMKIT_IMPL_W32_ENTRY(ERROR_INVALID_HANDLE, "The handle is invalid."),
    COMKIT_IMPL_W32_ENTRY(ERROR_NOT_ENOUGH_MEMORY, "Not enough memory resources are available to process this command."),
    COMKIT_IMPL_W32_ENTRY(ERROR_BAD_FORMAT, "An attempt was made to load a program with an incorrect format."),
    COMKIT_IMPL_W32_ENTRY(ERROR_INVALID_ACCESS, "The access code is invalid."),
    COMKIT_IMPL_W32_ENTRY(ERROR_INVALID_DATA, "The data is invalid."),
    COMKIT_IMPL_W32_ENTRY(ERROR_OUTOFMEMORY, "Not enough memory resources are available to complete this operation."),
    COMKIT_IMPL_W32_ENTRY(ERROR_NOT_SAME_DEVICE, "The system cannot move the file to a different disk drive."),
    COMKIT_IMPL_W32_ENTRY(ERROR_NO_MORE_FILES, "There are no more files."),
    COMKIT_IMPL_W32_ENTRY(ERROR_WRITE_PROTECT, "The media is write protected."),
    COMKIT_IMPL_W32_ENTRY(ERROR_NOT_READY, "The device is not ready."),
    COMKIT_IMPL_W32_ENTRY(ERROR_SEEK, "The drive cannot locate a specific area or track on the disk."),
    COMKIT_IMPL_W32_ENTRY(ERROR_WRITE_FAULT, "The system cannot write to the specified device."),
    COMKIT_IMPL_W32_ENTRY(ERROR_READ_FAULT, "The system cannot read from the specified device."),
    COMKIT_IMPL_W32_ENTRY(ERROR_GEN_FAILURE, "A device attached to the system is not functioning."),
    COMKIT_IMPL_W32_ENTRY(ERROR_SHARING_VIOLATION,
                          "The process cannot access the file because it is being used by another process."),
    COMKIT_IMPL_W32_ENTRY(ERROR_LOCK_VIOLATION,
                          "The process cannot access the file because another process has locked a portion of the "
                          "file."),
    COMKIT_IMPL_W32_ENTRY(ERROR_HANDLE_EOF, "Reached the end of the file."),
    COMKIT_IMPL_W32_ENTRY(ERROR_NOT_SUPPORTED, "The request is not supported."),
    COMKIT_IMPL_W32_ENTRY(ERROR_FILE_EXISTS, "The file exists."),
    COMKIT_IMPL_W32_ENTRY(ERROR_INVALID_PARAMETER, "The parameter is incorrect."),
    COMKIT_IMPL_W32_ENTRY(ERROR_BROKEN_PIPE, "The pipe has been ended."),
    COMKIT_IMPL_W32_ENTRY(ERROR_BUFFER_OVERFLOW, "The file name is too long."),
    COMKIT_IMPL_W32_ENTRY(ERROR_DISK_FULL, "There is not enough space on the disk."),
    COMKIT_IMPL_W32_ENTRY(ERROR_CALL_NOT_IMPLEMENTED, "This function is not supported on this system."),
    COMKIT_IMPL_W32_ENTRY(ERROR_SEM_TIMEOUT, "The semaphore timeout period has expired."),
    COMKIT_IMPL_W32_ENTRY(ERROR_INSUFFICIENT_BUFFER, "The data area passed to a system call is too small."),
    COMKIT_IMPL_W32_ENTRY(ERROR_INVALID_NAME, "The filename, directory name, or volume label syntax is incorrect."),
    COMKIT_IMPL_W32_ENTRY(ERROR_MOD_NOT_FOUND, "The specified module could not be found."),
    COMKIT_IMPL_W32_ENTRY(ERROR_PROC_NOT_FOUND, "The specified procedure could not be found."),
    COMKIT_IMPL_W32_ENTRY(ERROR_NEGATIVE_SEEK,
                          "An attempt was made to move the file pointer before the beginning of the file."),
    COMKIT_IMPL_W32_ENTRY(ERROR_DIR_NOT_EMPTY, "The directory is not empty."),
    COMKIT_IMPL_W32_ENTRY(ERROR_BAD_ARGUMENTS, "One or more arguments are not correct."),
    COMKIT_IMPL_W32_ENTRY(ERROR_BAD_PATHNAME, "The specified path is invalid."),
    COMKIT_IMPL_W32_ENTRY(ERROR_BUSY, "The requested resource is in use."),
    COMKIT_IMPL_W32_ENTRY(ERROR_ALREADY_EXISTS, "Cannot create a file when that file already exists."),
    COMKIT_IMPL_W32_ENTRY(ERROR_BAD_EXE_FORMAT, "%1 is not a valid Win32 application."),
    COMKIT_IMPL_W32_ENTRY(ERROR_ENVVAR_NOT_FOUND, "The system could not find the environment option that was entered."),
    COMKIT_IMPL_W32_ENTRY(ERROR_FILENAME_EXCED_RANGE, "The filename or extension is too long."),
    COMKIT_IMPL_W32_ENTRY(ERROR_FILE_TOO_LARGE, "The file size exceeds the limit allowed and cannot be saved."),
    COMKIT_IMPL_W32_ENTRY(ERROR_PIPE_BUSY, "All pipe instances are busy."),
    COMKIT_IMPL_W32_ENTRY(ERROR_NO_DATA, "The pipe is being closed."),
    COMKIT_IMPL_W32_ENTRY(ERROR_PIPE_NOT_CONNECTED, "No process is on the other end of the pipe."),
    COMKIT_IMPL_W32_ENTRY(ERROR_MORE_DATA, "More data is available."),
    COMKIT_IMPL_W32_ENTRY(WAIT_TIMEOUT, "The wait operation timed out."),
    COMKIT_IMPL_W32_ENTRY(ERROR_NO_MORE_ITEMS, "No more data is available."),
    COMKIT_IMPL_W32_ENTRY(ERROR_DIRECTORY, "The directory name is invalid."),
    COMKIT_IMPL_W32_ENTRY(ERROR_INVALID_ADDRESS, "Attempt to access invalid address."),
    COMKIT_IMPL_W32_ENTRY(ERROR_ARITHMETIC_OVERFLOW, "Arithmetic result exceeded 32 bits."),
    COMKIT_IMPL_W32_ENTRY(ERROR_OPERATION_ABORTED,
                          "The I/O operation has been aborted because of either a thread exit or an application "
                          "request."),
    COMKIT_IMPL_W32_ENTRY(ERROR_IO_PENDING, "Overlapped I/O operation is in progress."),
    COMKIT_IMPL_W32_ENTRY(ERROR_NOACCESS, "Invalid access to memory location."),
    COMKIT_IMPL_W32_ENTRY(ERROR_STACK_OVERFLOW, "Recursion too deep; the stack overflowed."),
    COMKIT_IMPL_W32_ENTRY(ERROR_INVALID_FLAGS, "Invalid flags."),
    COMKIT_IMPL_W32_ENTRY(ERROR_NO_UNICODE_TRANSLATION,
                          "No mapping for the Unicode character exists in the target multi-byte code page."),
    COMKIT_IMPL_W32_ENTRY(ERROR_DLL_INIT_FAILED, "A dynamic link library (DLL) initialization routine failed."),
    COMKIT_IMPL_W32_ENTRY(ERROR_POSSIBLE_DEADLOCK, "A potential deadlock condition has been detected."),
    COMKIT_IMPL_W32_ENTRY(ERROR_TOO_MANY_LINKS,
                          "An attempt was made to create more links on a file than the file system supports."),
    COMKIT_IMPL_W32_ENTRY(ERROR_NOT_FOUND, "Element not found."),
    COMKIT_IMPL_W32_ENTRY(ERROR_CANCELLED, "The operation was canceled by the user."),
    COMKIT_IMPL_W32_ENTRY(ERROR_CONNECTION_REFUSED, "The remote computer refused the network connection."),
    COMKIT_IMPL_W32_ENTRY(ERROR_NETWORK_UNREACHABLE,
                          "The network location cannot be reached. For information about network troubleshooting, "
                          "see Windows Help."),
    COMKIT_IMPL_W32_ENTRY(ERROR_HOST_UNREACHABLE, "The remote system is not reachable by the transport."),
    COMKIT_IMPL_W32_ENTRY(ERROR_CONNECTION_ABORTED, "The network connection was aborted by the local system."),
    COMKIT_IMPL_W32_ENTRY(ERROR_RETRY, "The operation could not be completed. A retry should be performed."),
    COMKIT_IMPL_W32_ENTRY(ERROR_PRIVILEGE_NOT_HELD, "A required privilege is not held by the client."),
    COMKIT_IMPL_W32_ENTRY(ERROR_FILE_CORRUPT, "The file or directory is corrupted and unreadable."),
    COMKIT_IMPL_W32_ENTRY(ERROR_INVALID_INDEX, "Invalid index."),
    COMKIT_IMPL_W32_ENTRY(ERROR_TIMEOUT, "This operation returned because the timeout period expired."),
    COMKIT_IMPL_W32_ENTRY(ERROR_INVALID_STATE,
                          "The group or resource is not in the correct state to perform the requested operation."),
};

#undef COMKIT_IMPL_HR_ENTRY
#undef COMKIT_IMPL_W32_ENTRY

constexpr bool entry_less(const entry& a, const entry& b) {
  return a.code != b.code ? a.code < b.code : a.rank < b.rank;
}

constexpr auto catalogue = [] {
  std::array<entry, std::size(unsorted)> t{};
  std::copy(std::begin(unsorted), std::end(unsorted), t.begin());
  std::sort(t.begin(), t.end(), entry_less);
  return t;
}();

// The first entry with this code, or end.
const entry* find(std::uint32_t code) noexcept {
  const auto* it = std::lower_bound(catalogue.begin(), catalogue.end(), code,
                                    [](const entry& e, std::uint32_t c) { return e.code < c; });
  return (it != catalogue.end() && it->code == code) ? it : nullptr;
}

// Plain Win32 codes (1 ... 65535 as HRESULTs) read as their FACILITY_WIN32 form.
std::uint32_t text_key(HRESULT hr) noexcept {
  const auto code = static_cast<std::uint32_t>(hr);
  return code <= 0xFFFF ? win32(code) : code;
}

}  // namespace
}  // namespace comkit::rt

using namespace comkit::rt;

const char* STDAPICALLTYPE ComkitHResultMessage(HRESULT hr) {
  for (const entry* e = find(text_key(hr)); e && e != catalogue.end() && e->code == text_key(hr); ++e)
    if (e->text) return e->text;
  return nullptr;
}

const char* STDAPICALLTYPE ComkitHResultName(HRESULT hr) {
  const entry* e = find(static_cast<std::uint32_t>(hr));
  return e ? e->name : nullptr;
}

HRESULT STDAPICALLTYPE ComkitHResultFromErrno(int errnum) {
  switch (errnum) {
    case 0: return S_OK;
    case ENOMEM: return E_OUTOFMEMORY;
    case EINVAL: return E_INVALIDARG;
    case EPERM:
    case EACCES:
    case EISDIR: return E_ACCESSDENIED;
    case EBADF: return E_HANDLE;
    case EFAULT: return HRESULT_FROM_WIN32(ERROR_NOACCESS);
    case ENOENT: return HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
    case ENOTDIR: return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
    case EMFILE:
    case ENFILE: return HRESULT_FROM_WIN32(ERROR_TOO_MANY_OPEN_FILES);
    case EEXIST: return HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS);
    case ENOSPC: return HRESULT_FROM_WIN32(ERROR_DISK_FULL);
    case EROFS: return HRESULT_FROM_WIN32(ERROR_WRITE_PROTECT);
    case ENOSYS: return HRESULT_FROM_WIN32(ERROR_CALL_NOT_IMPLEMENTED);
    case EOPNOTSUPP: return HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED);
    case ENOTEMPTY: return HRESULT_FROM_WIN32(ERROR_DIR_NOT_EMPTY);
    case EBUSY: return HRESULT_FROM_WIN32(ERROR_BUSY);
    case ETXTBSY: return HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION);
    case EPIPE: return HRESULT_FROM_WIN32(ERROR_BROKEN_PIPE);
    case ENAMETOOLONG: return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    case EFBIG: return HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE);
    case EXDEV: return HRESULT_FROM_WIN32(ERROR_NOT_SAME_DEVICE);
    case EMLINK: return HRESULT_FROM_WIN32(ERROR_TOO_MANY_LINKS);
    case EDEADLK: return HRESULT_FROM_WIN32(ERROR_POSSIBLE_DEADLOCK);
    case EIO: return HRESULT_FROM_WIN32(ERROR_GEN_FAILURE);
    case ENOEXEC: return HRESULT_FROM_WIN32(ERROR_BAD_FORMAT);
    case EILSEQ: return HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION);
    case EOVERFLOW: return HRESULT_FROM_WIN32(ERROR_ARITHMETIC_OVERFLOW);
    case ETIMEDOUT: return HRESULT_FROM_WIN32(ERROR_TIMEOUT);
    case ECANCELED: return HRESULT_FROM_WIN32(ERROR_CANCELLED);
    case EINPROGRESS: return HRESULT_FROM_WIN32(ERROR_IO_PENDING);
    case ECONNREFUSED: return HRESULT_FROM_WIN32(ERROR_CONNECTION_REFUSED);
    case ECONNABORTED: return HRESULT_FROM_WIN32(ERROR_CONNECTION_ABORTED);
    case ENETUNREACH: return HRESULT_FROM_WIN32(ERROR_NETWORK_UNREACHABLE);
    case EHOSTUNREACH: return HRESULT_FROM_WIN32(ERROR_HOST_UNREACHABLE);
    default: return E_FAIL;
  }
}
