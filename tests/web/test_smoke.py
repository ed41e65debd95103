def test_login_page_renders_in_dutch_by_default(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'lang="nl"' in response.get_data(as_text=True)


def test_admin_sees_both_funds_after_logging_in(world, login_as):
    client = login_as(world.user("admin"))
    page = client.get("/funds/").get_data(as_text=True)
    assert "Fund A" in page and "Fund B" in page
