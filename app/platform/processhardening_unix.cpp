#include <sys/resource.h>
#include <sys/stat.h>
#ifdef __linux__
#  include <sys/prctl.h>
#endif

#include "processhardening.h"

namespace imsa::app {

void hardenProcess(Tracing tracing)
{
    ::umask(077);
    const rlimit noCore{0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
#ifdef __linux__
    if (tracing == Tracing::Refused)
        ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#else
    (void)tracing;
#endif
}

} // namespace imsa::app
