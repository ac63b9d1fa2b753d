#include "glibpump.h"

#include <dlfcn.h>

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QPointer>
#include <QTimer>

namespace imsa::app {

namespace {

/// g_main_context_iteration(), looked up at run time: GLib is in the process already (Qt Core
/// and libsecret link it), and this way its headers are no build dependency.
using Iteration = int (*)(void *context, int mayBlock);

Iteration glibIteration()
{
    static const auto iteration =
            reinterpret_cast<Iteration>(dlsym(RTLD_DEFAULT, "g_main_context_iteration"));
    return iteration;
}

class GlibPump final : public QObject
{
public:
    explicit GlibPump(QObject *parent)
        : QObject(parent)
    {
        // Often enough that a keychain answer waits no longer than a frame; only while a call
        // is in flight, so an idle app never wakes for it.
        m_timer.setInterval(5);
        connect(&m_timer, &QTimer::timeout, this, [] {
            // Dispatch what is ready, without blocking; bounded so Qt's own events go on.
            for (int i = 0; i < 100 && glibIteration()(nullptr, 0); ++i) { }
        });
    }

    void acquire()
    {
        if (m_holds++ == 0)
            m_timer.start();
    }

    void release()
    {
        if (--m_holds == 0)
            m_timer.stop();
    }

private:
    QTimer m_timer;
    int m_holds = 0;
};

} // namespace

std::shared_ptr<void> keepGlibMainContextRunning()
{
    const QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    if (!QCoreApplication::instance() || !glibIteration()
        || (dispatcher && dispatcher->inherits("QEventDispatcherGlib")))
        return {};
    static QPointer<GlibPump> pump;
    if (!pump)
        pump = new GlibPump(QCoreApplication::instance());
    pump->acquire();
    return {nullptr, [](void *) {
                if (pump)
                    pump->release();
            }};
}

} // namespace imsa::app
