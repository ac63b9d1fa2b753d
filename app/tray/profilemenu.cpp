#include "profilemenu.h"

#include <QActionGroup>
#include <QLabel>
#include <QWidgetAction>

namespace imsa::tray {

ProfileMenu::ProfileMenu(QWidget *parent)
    : QMenu(parent)
{ }

void ProfileMenu::setEntries(const QList<MenuEntry> &entries)
{
    const bool sameShapes = entries.size() == m_entries.size()
            && std::equal(entries.cbegin(), entries.cend(), m_entries.cbegin(), sameShape);
    if (!sameShapes) {
        rebuild(entries);
    } else {
        // Every entry, changed or not: Qt has already flipped the checkmark of a clicked item,
        // and that has to be undone if the click changed nothing.
        for (qsizetype i = 0; i < entries.size(); ++i)
            apply(m_actions[i], entries[i]);
    }
    m_entries = entries;
}

bool ProfileMenu::sameShape(const MenuEntry &a, const MenuEntry &b)
{
    return a.kind == b.kind && a.action == b.action && a.profile == b.profile;
}

QAction *ProfileMenu::addStatus()
{
    // A label rather than a disabled item: the line people read most should not look greyed
    // out.
    auto *label = new QLabel(this);
    label->setObjectName(QStringLiteral("status"));
    label->setContentsMargins(fontMetrics().averageCharWidth() * 2, fontMetrics().height() / 3,
                              fontMetrics().averageCharWidth() * 2, fontMetrics().height() / 3);
    auto *action = new QWidgetAction(this);
    action->setDefaultWidget(label);
    addAction(action);
    return action;
}

void ProfileMenu::apply(QAction *action, const MenuEntry &entry)
{
    if (entry.kind == MenuEntry::Kind::Separator)
        return;
    if (entry.kind == MenuEntry::Kind::Status) {
        // "prod (role Admin)" on the first line, what is going on below it.
        auto *label = qobject_cast<QLabel *>(static_cast<QWidgetAction *>(action)->defaultWidget());
        const qsizetype split = entry.text.indexOf(QStringLiteral(" · "));
        label->setText(split < 0 ? QStringLiteral("<b>%1</b>").arg(entry.text.toHtmlEscaped())
                                 : QStringLiteral("<b>%1</b><br>%2")
                                           .arg(entry.text.left(split).toHtmlEscaped(),
                                                entry.text.mid(split + 3).toHtmlEscaped()));
        action->setText(entry.text);
        return;
    }
    action->setText(entry.text);
    action->setToolTip(entry.hint);
    action->setEnabled(entry.enabled);
    action->setCheckable(entry.checkable);
    action->setChecked(entry.checked);
}

void ProfileMenu::rebuild(const QList<MenuEntry> &entries)
{
    clear();
    m_actions.clear();
    delete m_profiles;
    m_profiles = new QActionGroup(this);
    m_profiles->setExclusionPolicy(QActionGroup::ExclusionPolicy::Exclusive);
    for (const MenuEntry &entry : entries) {
        QAction *action = nullptr;
        switch (entry.kind) {
        case MenuEntry::Kind::Separator:
            action = addSeparator();
            break;
        case MenuEntry::Kind::Section:
            action = addSection(entry.text);
            break;
        case MenuEntry::Kind::Status:
            action = addStatus();
            break;
        case MenuEntry::Kind::Profile:
            action = addAction(entry.text);
            m_profiles->addAction(action);
            connect(action, &QAction::triggered, this, [this, profile = entry.profile] {
                Q_EMIT profileChosen(profile);
            });
            break;
        case MenuEntry::Kind::Action:
            action = addAction(entry.text);
            connect(action, &QAction::triggered, this, [this, id = entry.action] {
                Q_EMIT actionChosen(id);
            });
            break;
        }
        apply(action, entry);
        m_actions.append(action);
    }
}

} // namespace imsa::tray
