-- Personal access tokens for docker login to the practice registry. Only a SHA-256 of each
-- token is kept; the token itself is shown once, when it is made. A revoked token keeps its row
-- (revoked_at), so that a login with it can be told why it no longer works.
CREATE TABLE access_token (
    id           VARCHAR(32)  PRIMARY KEY,
    learner      VARCHAR(30)  NOT NULL,
    description  VARCHAR(100) NOT NULL,
    scope        VARCHAR(24)  NOT NULL,
    token_hash   VARCHAR(64)  NOT NULL UNIQUE,
    created_at   BIGINT       NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX access_token_learner ON access_token (learner);

-- Repositories on the practice registry that someone pushed to or created: whose they are and
-- whether other learners may pull them. name is the path without the registry (alice/backend).
CREATE TABLE repository (
    name       VARCHAR(255) PRIMARY KEY,
    owner      VARCHAR(30)  NOT NULL,
    private    BOOLEAN      NOT NULL,
    created_at BIGINT       NOT NULL
);
CREATE INDEX repository_owner ON repository (owner);

-- When each tag was last pushed, from the registry's notifications; the registry itself keeps no time.
CREATE TABLE pushed_tag (
    repository VARCHAR(255) NOT NULL,
    tag        VARCHAR(128) NOT NULL,
    digest     VARCHAR(100) NOT NULL,
    pushed_at  BIGINT       NOT NULL,
    PRIMARY KEY (repository, tag)
);
