#include "keychainkeystore.h"

#include <memory>
#include <utility>

#include <qt6keychain/keychain.h>

#include <QCoreApplication>
#include <QPointer>
#include <QTimer>

#include "glibpump.h"
#include "imsa/logging.h"

using namespace Qt::StringLiterals;

namespace imsa::app {

namespace {

QString serviceName()
{
    return u"imsa"_s;
}

/// imsa never writes this account, so reading it has no side effect and needs no unlock prompt.
QString probeAccount()
{
    return u"imsa-keychain-probe"_s;
}

QString describeError(QKeychain::Error code, const QString &detail)
{
    const QString what = detail.isEmpty() ? u"unknown error"_s : detail;
    switch (code) {
    case QKeychain::AccessDeniedByUser:
        return u"the Secret Service request was denied by the user: "_s + what;
    case QKeychain::AccessDenied:
        return u"the Secret Service refused access (is the keyring locked?): "_s + what;
    case QKeychain::CouldNotDeleteEntry:
        return u"the Secret Service could not delete the entry: "_s + what;
    default:
        // On Linux QtKeychain reports every libsecret failure as OtherError: no session bus,
        // no Secret Service provider, no keyring, libsecret missing. Only the text tells which.
        return u"Secret Service not reachable: "_s + what;
    }
}

Failure timeoutFailure(std::chrono::milliseconds timeout)
{
    return Failure{u"Secret Service not reachable: no answer within %1 s (a keyring waiting to be "
                   "unlocked, or a hung keyring daemon)"_s.arg(
                           std::chrono::duration_cast<std::chrono::seconds>(timeout).count())};
}

/// What a write or remove job left: done, or why not (logged here, so every caller need not).
KeyStore::WriteResult writeOutcome(const QKeychain::Job &finished, const QString &action)
{
    if (finished.error() == QKeychain::NoError)
        return Done{};
    const QString error = describeError(finished.error(), finished.errorString());
    qCWarning(lcKeyStore).noquote() << action << "failed:" << error;
    return Failure{error};
}

/// Starts `job` and hands exactly one outcome to `deliver`, queued to context's thread: the
/// job's result or, after `timeout`, `timedOut`. Nothing is delivered once context is gone.
template <typename JobType, typename Outcome>
void runJob(JobType *job, QObject *context, std::chrono::milliseconds timeout,
            std::function<Outcome(const JobType &)> extract, Outcome timedOut,
            std::function<void(Outcome)> deliver)
{
    // Both outcomes are delivered in context's thread, so the flag needs no lock.
    auto delivered = std::make_shared<bool>(false);
    auto deliverOnce = [delivered, deliver = std::move(deliver)](Outcome outcome) {
        if (!std::exchange(*delivered, true))
            deliver(std::move(outcome));
    };
    // GLib runs until the job finishes or its time is up, whichever comes first; a job that
    // answers after its timeout is taken up when the next job runs GLib again.
    auto glib = std::make_shared<std::shared_ptr<void>>(keepGlibMainContextRunning());
    QTimer::singleShot(timeout, QCoreApplication::instance(), [glib] {
        glib->reset();
    });

    // The job is deliberately not a child of context: QtKeychain's libsecret callbacks keep a
    // raw pointer to it, so it must live until it finishes and deletes itself (autoDelete).
    QObject::connect(job, &QKeychain::Job::finished, job,
                     [job, guard = QPointer<QObject>(context), extract = std::move(extract),
                      deliverOnce, glib] {
                         glib->reset();
                         if (!guard)
                             return;
                         QMetaObject::invokeMethod(
                                 guard.data(),
                                 [deliverOnce, outcome = extract(*job)] {
                                     deliverOnce(outcome);
                                 },
                                 Qt::QueuedConnection);
                     });
    // After a result the timer stays armed; when it fires it finds the flag set.
    QTimer::singleShot(timeout, context, [deliverOnce, timedOut = std::move(timedOut)] {
        deliverOnce(timedOut);
    });
    job->start();
}

} // namespace

KeychainKeyStore::KeychainKeyStore(std::chrono::milliseconds timeout)
    : m_timeout(timeout)
{ }

QString KeychainKeyStore::description() const
{
    return u"Secret Service"_s;
}

void KeychainKeyStore::read(const QString &account, QObject *context, ReadDone done)
{
    auto *job = new QKeychain::ReadPasswordJob(serviceName());
    job->setKey(account);
    runJob<QKeychain::ReadPasswordJob, ReadResult>(
            job, context, m_timeout,
            [account](const QKeychain::ReadPasswordJob &finished) -> ReadResult {
                switch (finished.error()) {
                case QKeychain::NoError:
                    return std::optional(finished.binaryData());
                case QKeychain::EntryNotFound:
                    return std::optional<QByteArray>();
                default: {
                    const QString error = describeError(finished.error(), finished.errorString());
                    qCWarning(lcKeyStore).noquote()
                            << "reading" << account << "from the keychain failed:" << error;
                    return Failure{error};
                }
                }
            },
            timeoutFailure(m_timeout), std::move(done));
}

void KeychainKeyStore::write(const QString &account, const QByteArray &secret, QObject *context,
                             WriteDone done)
{
    auto *job = new QKeychain::WritePasswordJob(serviceName());
    job->setKey(account);
    job->setBinaryData(secret);
    runJob<QKeychain::WritePasswordJob, WriteResult>(
            job, context, m_timeout,
            [account](const QKeychain::WritePasswordJob &finished) {
                return writeOutcome(finished, u"writing %1 to the keychain"_s.arg(account));
            },
            timeoutFailure(m_timeout), std::move(done));
}

void KeychainKeyStore::remove(const QString &account, QObject *context, WriteDone done)
{
    auto *job = new QKeychain::DeletePasswordJob(serviceName());
    job->setKey(account);
    runJob<QKeychain::DeletePasswordJob, WriteResult>(
            job, context, m_timeout,
            [account](const QKeychain::DeletePasswordJob &finished) -> WriteResult {
                // Removing what is not there leaves the store as the caller wants it.
                if (finished.error() == QKeychain::EntryNotFound)
                    return Done{};
                return writeOutcome(finished, u"removing %1 from the keychain"_s.arg(account));
            },
            timeoutFailure(m_timeout), std::move(done));
}

void KeychainKeyStore::probe(QObject *context, std::function<void(bool, QString)> done)
{
    auto *job = new QKeychain::ReadPasswordJob(serviceName());
    job->setKey(probeAccount());
    runJob<QKeychain::ReadPasswordJob, Result<Done, Failure>>(
            job, context, probeTimeout,
            [](const QKeychain::ReadPasswordJob &finished) -> Result<Done, Failure> {
                if (finished.error() == QKeychain::NoError
                    || finished.error() == QKeychain::EntryNotFound)
                    return Done{};
                return Failure{describeError(finished.error(), finished.errorString())};
            },
            timeoutFailure(probeTimeout),
            [done = std::move(done)](const Result<Done, Failure> &reached) {
                done(reached.ok(), reached ? QString() : reached.error().message);
            });
}

} // namespace imsa::app
