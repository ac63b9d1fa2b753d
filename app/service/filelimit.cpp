#include "filelimit.h"

#include <algorithm>
#include <climits>
#include <sys/resource.h>

#include "imsa/logging.h"

namespace imsa::app {

namespace {

qint64 softLimit(const rlimit &limit)
{
    return limit.rlim_cur == RLIM_INFINITY
            ? INT_MAX
            : static_cast<qint64>(std::min<rlim_t>(limit.rlim_cur, static_cast<rlim_t>(INT_MAX)));
}

} // namespace

qint64 raiseOpenFileLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 0;
    if (limit.rlim_cur != limit.rlim_max) {
        const rlim_t before = limit.rlim_cur;
        limit.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
            qCWarning(lcApp) << "cannot raise the open-file limit from" << before;
            limit.rlim_cur = before;
        }
    }
    return softLimit(limit);
}

qint64 openFileLimit()
{
    rlimit limit{};
    return ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? softLimit(limit) : 0;
}

int connectionBudget(qint64 fileLimit)
{
    const qint64 budget = std::max(fileLimit - reservedDescriptors, fileLimit / 2);
    return static_cast<int>(std::clamp<qint64>(budget, 1, INT_MAX));
}

} // namespace imsa::app
