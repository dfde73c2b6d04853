"""dlbook.sphinx.browser: which Chromium the build and the browser tests use, in order."""

from __future__ import annotations

from dlbook.sphinx import browser


def test_chromium_setting_wins_and_must_run(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'Chromium 1.2.3'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("CHROMIUM", str(fake))
    assert browser.find(install=False) == str(fake)
    broken = tmp_path / "broken"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("CHROMIUM", str(broken))
    assert browser.find(install=False) is None, "a CHROMIUM that does not run is not silently replaced"


def test_a_browser_must_start_and_say_it_is_chromium(tmp_path):
    assert not browser.runs(None) and not browser.runs(str(tmp_path / "missing"))
    other = tmp_path / "firefox"
    other.write_text("#!/bin/sh\necho 'Mozilla Firefox 130'\n")
    other.chmod(0o755)
    assert not browser.runs(str(other))


def test_without_a_setting_the_system_chromium_comes_first(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'Chromium 9'\n")
    fake.chmod(0o755)
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(browser, "playwright_browser", lambda install: "not asked")
    assert browser.find(install=False) == str(fake)
    fake.unlink()
    assert browser.find(install=False) == "not asked"


def test_main_prints_the_path_or_one_clear_message(monkeypatch, capsys):
    monkeypatch.setattr(browser, "find", lambda install=True: "/opt/chromium")
    assert browser.main() == 0 and capsys.readouterr().out.strip() == "/opt/chromium"
    monkeypatch.setattr(browser, "find", lambda install=True: None)
    assert browser.main() == 1
    assert "CHROMIUM" in capsys.readouterr().err
