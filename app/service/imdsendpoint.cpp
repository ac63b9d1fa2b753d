#include "imdsendpoint.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QSemaphore>
#include <QTcpServer>
#include <QThread>
#include <QTimer>
#include <QtEndian>

#include "guardedtcpserver.h"
#include "imsa/logging.h"
#include "platform/freememory.h"

namespace imsa::app {

namespace {

constexpr std::chrono::milliseconds trimDelay{1000};

} // namespace

/// One serving thread: its ImdsServer (and with it the GuardedTcpServer and every connection)
/// is created, run and destroyed inside run(), so that all of its sockets and timers belong to
/// this thread's event loop.
class ServingThread final : public QThread
{
public:
    ServingThread(const CredentialView &view, const Clock &clock,
                  const ImdsEndpoint::Options &options, int descriptor, int connectionLimit)
        : m_view(view)
        , m_clock(clock)
        , m_options(options)
        , m_descriptor(descriptor)
        , m_connectionLimit(connectionLimit)
    { }

    ~ServingThread() override
    {
        quit();
        wait();
    }

    /// Starts the thread and waits until it accepts; false if it could not take the socket.
    bool startAccepting()
    {
        start();
        m_ready.acquire();
        return m_accepting;
    }

protected:
    void run() override
    {
        ImdsServer server(m_view, m_clock, m_options.server);
        server.setIdentity(m_options.identity);
        server.setAccessGuard(m_options.guard);
        server.setConnectionLimit(m_connectionLimit);
        m_accepting = server.adoptListeningSocket(m_descriptor);
        if (!m_accepting) {
            qCWarning(lcImds) << "a serving thread cannot accept:" << server.errorString();
            ::close(m_descriptor);
        }
        // A second after a busy period ended, the memory it used goes back
        // (PSS after the load is a goal of #18); one trim covers every thread's arena.
        QTimer trim;
        trim.setSingleShot(true);
        trim.setInterval(trimDelay);
        QObject::connect(&server, &ImdsServer::drained, &trim, qOverload<>(&QTimer::start));
        QObject::connect(&trim, &QTimer::timeout, &server, returnFreeMemory);
        m_ready.release();
        if (m_accepting)
            exec();
    }

private:
    const CredentialView &m_view;
    const Clock &m_clock;
    const ImdsEndpoint::Options m_options;
    const int m_descriptor;
    const int m_connectionLimit;
    QSemaphore m_ready;
    bool m_accepting = false;
};

ImdsEndpoint::ImdsEndpoint(const CredentialView &view, const Clock &clock, Options options,
                           QObject *parent)
    : QObject(parent)
    , m_view(view)
    , m_clock(clock)
    , m_options(std::move(options))
{
    m_options.threads = std::max(1, m_options.threads);
}

ImdsEndpoint::~ImdsEndpoint()
{
    stop();
}

void ImdsEndpoint::stop()
{
    // Each thread's destructor ends its loop and waits for it: the servers and their
    // connections are gone before the descriptor is closed.
    m_threads.clear();
    if (m_descriptor >= 0)
        ::close(std::exchange(m_descriptor, -1));
}

bool ImdsEndpoint::listenOn(const QHostAddress &address, quint16 port)
{
    stop();
    QTcpServer listener;
    listener.setListenBacklogSize(GuardedTcpServer::listenBacklog);
    if (!listener.listen(address, port)) {
        m_errorString = listener.errorString();
        return false;
    }
    // The duplicate keeps the socket listening (with whatever connections are queued) after
    // the QTcpServer closes its own descriptor.
    const int descriptor =
            ::fcntl(static_cast<int>(listener.socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (descriptor < 0) {
        m_errorString = QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    return adoptListeningSocket(descriptor);
}

bool ImdsEndpoint::adoptListeningSocket(qintptr descriptor)
{
    stop();
    m_descriptor = static_cast<int>(descriptor);
    sockaddr_storage local{};
    socklen_t length = sizeof(local);
    int listening = 0;
    socklen_t optionLength = sizeof(listening);
    if (::getsockname(m_descriptor, reinterpret_cast<sockaddr *>(&local), &length) != 0
        || ::getsockopt(m_descriptor, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optionLength) != 0
        || listening == 0) {
        m_errorString = QStringLiteral("the socket handed over is not a listening TCP socket");
        stop();
        return false;
    }
    m_address = QHostAddress(reinterpret_cast<const sockaddr *>(&local));
    m_port = qFromBigEndian(local.ss_family == AF_INET6
                                    ? reinterpret_cast<const sockaddr_in6 *>(&local)->sin6_port
                                    : reinterpret_cast<const sockaddr_in *>(&local)->sin_port);
    return true;
}

void ImdsEndpoint::startServing(int connectionLimit)
{
    if (m_descriptor < 0 || !m_threads.empty())
        return;
    // Each thread holds its share: together they stay within the budget.
    const int perThread = std::max(1, connectionLimit / m_options.threads);
    for (int i = 0; i < m_options.threads; ++i) {
        const int duplicate = ::fcntl(m_descriptor, F_DUPFD_CLOEXEC, 0);
        if (duplicate < 0) {
            qCWarning(lcImds) << "cannot start serving thread" << i + 1 << ":"
                              << std::strerror(errno);
            break;
        }
        auto thread =
                std::make_unique<ServingThread>(m_view, m_clock, m_options, duplicate, perThread);
        thread->setObjectName(QStringLiteral("imsa-serve-%1").arg(i + 1));
        if (thread->startAccepting())
            m_threads.push_back(std::move(thread));
    }
    qCInfo(lcImds).nospace() << "serving on " << m_threads.size() << " thread(s), up to "
                             << perThread << " connections each";
}

} // namespace imsa::app
