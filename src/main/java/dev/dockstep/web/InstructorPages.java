package dev.dockstep.web;

import dev.dockstep.account.Accounts;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.progress.ClassReport;
import io.javalin.http.Context;
import java.util.Map;
import java.util.function.Supplier;

/** The instructor's view of the class: a page, its data as JSON, and a CSV export. */
final class InstructorPages {
    private final Supplier<Catalog> catalog;
    private final Accounts accounts;
    private final ClassReport report;

    InstructorPages(Supplier<Catalog> catalog, Accounts accounts, ClassReport report) {
        this.catalog = catalog;
        this.accounts = accounts;
        this.report = report;
    }

    void dashboard(Context ctx) {
        Auth.requireInstructor(ctx);
        ctx.render("instructor", Pages.model(ctx, Map.of("report", report.build(catalog.get(), learners()))));
    }

    /** The same report as JSON, which the page fetches again when the class moves on. */
    void report(Context ctx) {
        Auth.requireInstructor(ctx);
        ctx.json(report.build(catalog.get(), learners()));
    }

    void csv(Context ctx) {
        Auth.requireInstructor(ctx);
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"progress.csv\"");
        ctx.result(report.csv(catalog.get(), learners()));
    }

    /** The class: everyone signed up who is not an instructor. */
    private java.util.List<String> learners() {
        return accounts.everyone().stream().filter(l -> !l.isInstructor()).map(dev.dockstep.account.Learner::name).toList();
    }
}
