#pragma once

#include <QDialog>

#include "service/accessguard.h"

class QLabel;

namespace imsa::tray {

/// Asks whether a program that an `access: ask` profile refused may have its credentials:
/// "PROGRAM wants credentials for PROFILE", with the executable, pid, shortened command line
/// and the parent program. Non-modal; deletes itself when closed. The answers (AccessGuard):
/// - Allow once: served for the next AccessGuard::allowOnceSecs, not written to disk; the
///   refused command already failed, so the user runs it again.
/// - Always allow: approved as `imsa allow PROFILE PROGRAM` does, kept on disk.
/// - Deny (also Escape or closing the window): refused and not asked about again until imsa
///   restarts, so a program that keeps trying raises no second dialog.
/// The tray opens one dialog per profile and program.
class AccessRequestDialog final : public QDialog
{
    Q_OBJECT

public:
    AccessRequestDialog(app::AccessGuard &guard, const QString &profile,
                        const app::PeerProcess &peer, QWidget *parent = nullptr);

    QString profile() const { return m_profile; }

    QString program() const { return m_program; }

    void reject() override;

private:
    void answer(app::AccessGuard::Answer answer);

    app::AccessGuard &m_guard;
    QString m_profile;
    QString m_program;
    QLabel *m_message = nullptr;
    bool m_answered = false;
};

} // namespace imsa::tray
