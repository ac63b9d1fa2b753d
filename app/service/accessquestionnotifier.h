#pragma once

#include <QObject>

namespace imsa::app {

class AccessGuard;
struct PeerProcess;

/// Asks the `access: ask` question without the tray (`imsa start`): a desktop notification
/// "PROGRAM wants credentials for PROFILE" whose body gives the `imsa allow` command, with an
/// "Allow once" action where the notification server offers actions. The guard asks once per
/// profile and program, so a harvester that loops raises one notification. Where the tray shows
/// its dialog instead (setEnabled(false)) this stays quiet.
class AccessQuestionNotifier final : public QObject
{
    Q_OBJECT

public:
    explicit AccessQuestionNotifier(AccessGuard &guard, QObject *parent = nullptr);

    void setEnabled(bool enabled) { m_enabled = enabled; }

private:
    void ask(const QString &profile, const PeerProcess &peer);

    AccessGuard &m_guard;
    bool m_enabled = true;
};

} // namespace imsa::app
