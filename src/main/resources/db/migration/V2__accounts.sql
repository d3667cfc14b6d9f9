-- Learners and instructors. name is also the user name on the practice registry.
CREATE TABLE learner (
    name          VARCHAR(30)  PRIMARY KEY,
    password_hash VARCHAR(100) NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    created_at    BIGINT       NOT NULL
);

-- Signed-in browsers. Only a SHA-256 of the cookie's token is kept.
CREATE TABLE web_session (
    token_hash VARCHAR(64) PRIMARY KEY,
    learner    VARCHAR(30) NOT NULL,
    created_at BIGINT      NOT NULL,
    expires_at BIGINT      NOT NULL
);
