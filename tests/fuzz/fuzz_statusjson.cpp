// libFuzzer entry point; the target itself is in statusjsontarget.h so tst_fuzzregressions can
// replay inputs without libFuzzer.
#include <cstdlib>

#include "fuzzinput.h"
#include "statusjsontarget.h"

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    imsa::fuzz::silenceLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (!imsa::fuzz::fuzzStatusJson(imsa::fuzz::bytes(data, size)))
        std::abort(); // an invariant broke: libFuzzer saves the input as a crash
    return 0;
}
