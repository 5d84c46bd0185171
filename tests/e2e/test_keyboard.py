"""A keyboard user can skip the navigation and always sees where focus is."""

from playwright.sync_api import expect


def test_the_first_tab_offers_a_skip_link_that_moves_focus_to_the_content(page):
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main#main")).to_be_focused()


def test_focused_links_show_a_visible_outline(page):
    page.goto("/")

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; }"
    )

    assert outline == ["solid", "3px"]
