-- One row per learner and step: where the learner stands. Written only by ProgressStore.
CREATE TABLE step_progress (
    learner          VARCHAR(64)  NOT NULL,
    course           VARCHAR(100) NOT NULL,
    lesson           VARCHAR(100) NOT NULL,
    step             VARCHAR(100) NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    attempts         INTEGER      NOT NULL,
    first_attempt_at BIGINT       NOT NULL,
    passed_at        BIGINT,
    last_verdict     TEXT,
    PRIMARY KEY (learner, course, lesson, step)
);

-- Every check attempt, numbered per learner and step, for the instructor's view.
CREATE TABLE check_attempt (
    learner    VARCHAR(64)  NOT NULL,
    course     VARCHAR(100) NOT NULL,
    lesson     VARCHAR(100) NOT NULL,
    step       VARCHAR(100) NOT NULL,
    attempt    INTEGER      NOT NULL,
    at         BIGINT       NOT NULL,
    passed     BOOLEAN      NOT NULL,
    verdict    TEXT         NOT NULL,
    PRIMARY KEY (learner, course, lesson, step, attempt)
);
