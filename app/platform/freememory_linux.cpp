#include <malloc.h>

#include "freememory.h"

namespace imsa::app {

void returnFreeMemory()
{
    // glibc: releases the free pages of every arena, not only the top of the main heap.
    ::malloc_trim(0);
}

} // namespace imsa::app
