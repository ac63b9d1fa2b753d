#include "accessquestionnotifier.h"

#include "accessguard.h"
#include "desktopnotifier.h"
#include "peerresolver.h"

namespace imsa::app {

AccessQuestionNotifier::AccessQuestionNotifier(AccessGuard &guard, QObject *parent)
    : QObject(parent)
    , m_guard(guard)
{
    connect(&guard, &AccessGuard::approvalRequested, this, &AccessQuestionNotifier::ask);
}

void AccessQuestionNotifier::ask(const QString &profile, const PeerProcess &peer)
{
    if (!m_enabled)
        return;
    // One notifier per question: its action answers that question and no other.
    auto *notifier = new DesktopNotifier(this);
    connect(notifier, &DesktopNotifier::defaultActionInvoked, this,
            [this, notifier, profile, program = peer.program] {
                (void)m_guard.answer(profile, program, AccessGuard::Answer::AllowOnce);
                notifier->deleteLater();
            });
    QString body = QStringLiteral("Allow it with: imsa allow %1 %2").arg(profile, peer.program);
    body += QStringLiteral("\nProcess %1").arg(peer.pid);
    if (!peer.parentExecutable.isEmpty())
        body += QStringLiteral(", started by %1").arg(peer.parentExecutable);
    notifier->show(QStringLiteral("%1 wants credentials for %2").arg(peer.program, profile), body,
                   DesktopNotifier::Urgency::Critical, QStringLiteral("Allow once"));
}

} // namespace imsa::app
