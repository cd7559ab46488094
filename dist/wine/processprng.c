/* Test-only shim for Wine 8: Rust's standard library (1.78+) imports
 * ProcessPrng from bcryptprimitives.dll, which Windows 10/11 has and Wine 8
 * lacks. Placed beside the exe in the Wine check only; never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
