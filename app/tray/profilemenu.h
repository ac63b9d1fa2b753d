#pragma once

#include <QList>
#include <QMenu>

#include "menumodel.h"

class QActionGroup;

namespace imsa::tray {

/// Draws MenuModel's entries into a QMenu and reports what was picked. Entries that keep their
/// shape are updated in place, so an open menu follows the countdown without flickering or
/// closing.
class ProfileMenu final : public QMenu
{
    Q_OBJECT

public:
    explicit ProfileMenu(QWidget *parent = nullptr);

    void setEntries(const QList<MenuEntry> &entries);

Q_SIGNALS:
    void profileChosen(const QString &profile);
    void actionChosen(imsa::tray::MenuEntry::Action action);

private:
    void rebuild(const QList<MenuEntry> &entries);
    QAction *addStatus();
    static void apply(QAction *action, const MenuEntry &entry);
    static bool sameShape(const MenuEntry &a, const MenuEntry &b);

    QList<MenuEntry> m_entries;
    QList<QAction *> m_actions;
    QActionGroup *m_profiles = nullptr;
};

} // namespace imsa::tray
