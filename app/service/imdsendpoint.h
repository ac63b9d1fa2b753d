#pragma once

#include <memory>
#include <vector>

#include <QHostAddress>
#include <QObject>

#include "imdsserver.h"

namespace imsa::app {

class AccessGuard;
class ServingThread;

/// The metadata endpoint: one listening socket, served by N threads that each run their own
/// event loop, GuardedTcpServer and ImdsServer on a duplicate of that socket, so that the
/// kernel hands each new connection to whichever thread accepts first. All threads answer
/// through one CredentialView, which therefore must be safe to call from any thread
/// (SnapshotView is). The broker, the key store and the control socket stay on the thread that
/// owns this object.
class ImdsEndpoint final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        ImdsServer::Options server;
        int threads = 1; ///< at least 1
        const EndpointIdentity *identity = nullptr; ///< answers `imsa doctor`'s challenges
        /// Who gets credentials, and the access log; shared by the threads (it locks).
        AccessGuard *guard = nullptr;
    };

    ImdsEndpoint(const CredentialView &view, const Clock &clock, Options options,
                 QObject *parent = nullptr);
    /// Stops the serving threads (each closes its connections) and closes the socket.
    ~ImdsEndpoint() override;

    /// Listens on address:port (port 0 = any free port), not serving yet. False with
    /// errorString() on failure.
    bool listenOn(const QHostAddress &address, quint16 port);
    /// Takes over a socket that is already listening (handed over by imsa-helper), not serving
    /// yet; the descriptor belongs to this object from now on, whatever the result.
    bool adoptListeningSocket(qintptr descriptor);

    /// Starts the serving threads with `connectionLimit` connections split between them.
    /// Returns once every thread accepts.
    void startServing(int connectionLimit);

    QHostAddress address() const { return m_address; }

    quint16 port() const { return m_port; }

    QString errorString() const { return m_errorString; }

    int threadCount() const { return m_options.threads; }

private:
    void stop();

    const CredentialView &m_view;
    const Clock &m_clock;
    Options m_options;
    int m_descriptor = -1;
    QHostAddress m_address;
    quint16 m_port = 0;
    QString m_errorString;
    std::vector<std::unique_ptr<ServingThread>> m_threads;
};

} // namespace imsa::app
